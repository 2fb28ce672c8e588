// HTTPS of a site against the real sshd web1 as root and the testbed's nginx: an own certificate
// (signed by a test CA made with openssl) uploaded for a bound domain serves the site over HTTPS
// on 127.0.0.2:8443 (SNI); redirect and HSTS; the status read finds it; replacing it while
// requests run drops none; install lines whose key nginx refuses roll back to the old
// certificate; binding again keeps HTTPS and suspension shows over HTTPS too; adoption finds it;
// hostile values are refused before anything is queued, for every HTTPS method (a canary shows
// nothing ran); HTTPS removed; an encrypted key with its passphrase; the site's deletion removes
// its certificates.
import { execFileSync } from 'node:child_process';
import { randomUUID, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { InstalledCert } from '../../shared/api/tls';
import type { Task } from '../../shared/queue';
import { tlsInstallParams, tlsInstallLines } from '../../src-main/core/hosting/tls-install';
import type { AdoptionScan, HostingSettings, SiteRecord } from '../../shared/api/hosting';
import { coreSuite } from '../helpers/core';
import { settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { getUntil, httpGet } from '../helpers/php';
import { encryptKey, httpsGet, makeCa, makeLeaf, type TestCa } from '../helpers/tls';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdtl${tag}`;
const host = `tl-${tag}.test`;
const alias = `www.tl-${tag}.test`;
const canary = `/tmp/hd-tls-canary-${tag}`;

function statuses(tasks: Task[]): string {
  return tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');
}

const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;

afterAll(() => {
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${site}-*.conf`);
  rmSync(`${suite.tb.root}/tls/${site}`, { recursive: true, force: true });
  rmSync(canary, { force: true });
  sh(`nginx -s reload -c ${suite.tb.nginx.conf}`);
});

describe('HTTPS of a site', () => {
  it('serves an uploaded certificate; redirect and HSTS; status; swap without a failed request; rollback; hostile input; removal and deletion', async () => {
    const t = await suite.web1('tls-life', 'root');
    const serverId = t.server.id;
    const settings = testbedHostingSettings(suite.tb);
    const tlsDir = settings.web.tlsDir;
    await t.call('hosting.setSettings', { serverId, ...settings });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0, domains: [host, alias] });
    let tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    writeFileSync(`/home/${site}/public_html/index.html`, `hello over https ${tag}\n`);
    const ca: TestCa = makeCa();
    const https = (servername = host, path = '/') => httpsGet({ host: suite.tb.nginx.host, port: suite.tb.nginx.tlsPort, servername, caPem: ca.pem, path });

    // Upload: checked, queued, installed; key 0600, chain 0644; the site over HTTPS for both names.
    const first = makeLeaf(ca, [host, alias]);
    const up = await t.call<{ tasks: Task[]; cert: InstalledCert }>('tls.upload', { serverId, site, domain: host, chainPem: first.certPem, keyPem: first.keyPem, redirect: false, hsts: false });
    expect(up.tasks.map((x) => x.kind)).toEqual(['tls.install']);
    expect(up.cert.names).toEqual([host, alias]);
    expect(JSON.stringify(up.tasks)).not.toContain(first.keyPem.split('\n')[1]);
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect(statSync(`${tlsDir}/${site}/${host}.key`).mode & 0o777).toBe(0o600);
    expect(statSync(`${tlsDir}/${site}/${host}.crt`).mode & 0o777).toBe(0o644);
    for (const name of [host, alias]) {
      const r = await until(() => https(name), (x) => x.status === 200);
      expect([r.status, r.body, r.fingerprint]).toEqual([200, `hello over https ${tag}\n`, fingerprintOf(first.certPem)]);
      expect(r.headers['strict-transport-security']).toBeUndefined();
    }
    expect(await httpGet(host, '/')).toEqual({ status: 200, body: `hello over https ${tag}\n` });

    // Status: read from the server.
    const status = await t.call<{ certs: InstalledCert[] }>('tls.status', { serverId });
    const mine = status.certs.find((c) => c.site === site && c.domain === host);
    expect(mine).toMatchObject({ names: [host, alias], issuer: 'Hostdeck Test CA', selfIssued: false });
    expect(mine!.fingerprint).toBe(fingerprintOf(first.certPem));

    // Redirect and HSTS: plain HTTP redirects (the ACME challenge path excepted), HTTPS sends the header.
    await t.call('tls.setOptions', { serverId, site, domain: host, redirect: true, hsts: true });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    const redirect = await until(() => redirectOf(host, '/a/b?c=1'), (r) => r.status === 301);
    expect(redirect).toEqual({ status: 301, location: `https://${host}:${suite.tb.nginx.tlsPort}/a/b?c=1` });
    expect((await redirectOf(host, '/.well-known/acme-challenge/abc')).status).not.toBe(301);
    expect((await until(() => https(), (r) => r.headers['strict-transport-security'] !== undefined)).headers['strict-transport-security']).toBe('max-age=31536000');

    // A new certificate while requests keep coming: none fails, the new one serves afterwards.
    const second = makeLeaf(ca, [host, alias]);
    let running = true;
    const results = { ok: 0, failed: [] as string[] };
    const loop = (async () => {
      while (running) {
        try {
          const r = await https();
          if (r.status === 200) results.ok++;
          else results.failed.push(`status ${r.status}`);
        } catch (error) {
          results.failed.push(String(error));
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await t.call('tls.upload', { serverId, site, domain: host, chainPem: second.certPem, keyPem: second.keyPem, redirect: true, hsts: true });
    tasks = await settleQueue(t, serverId, 90_000);
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await loop;
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect(results.failed).toEqual([]);
    expect(results.ok).toBeGreaterThan(10);
    console.log(`[tls] requests during the certificate swap: ${results.ok} answered, ${results.failed.length} failed`);
    expect((await until(() => https(), (r) => r.fingerprint === fingerprintOf(second.certPem))).fingerprint).toBe(fingerprintOf(second.certPem));

    // Install lines that nginx refuses (a key that is not the certificate's) put everything back.
    const stranger = makeLeaf(ca, [host]);
    const other = makeLeaf(ca, [host]);
    const { sites } = await t.call<{ sites: SiteRecord[]; settings: HostingSettings }>('hosting.sites', { serverId });
    const lines = tlsInstallLines(tlsInstallParams(sites.find((s) => s.name === site)!, settings, host, stranger.certPem));
    const vhost = `${suite.tb.nginx.sitesDir}/hostdeck-${site}-${host}.conf`;
    const before = [readFileSync(`${tlsDir}/${site}/${host}.crt`, 'utf8'), readFileSync(`${tlsDir}/${site}/${host}.key`, 'utf8'), readFileSync(vhost, 'utf8')];
    let refused = '';
    try {
      execFileSync('sh', ['-c', lines.join('\n')], { input: other.keyPem, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (error) {
      refused = String((error as { stderr?: string }).stderr);
    }
    expect(refused).toContain('nginx refused the new configuration; the previous one was restored');
    expect([readFileSync(`${tlsDir}/${site}/${host}.crt`, 'utf8'), readFileSync(`${tlsDir}/${site}/${host}.key`, 'utf8'), readFileSync(vhost, 'utf8')]).toEqual(before);
    expect(sh(`ls -A ${tlsDir}/${site}`)!.trim().split('\n').sort()).toEqual([`${host}.crt`, `${host}.key`]);
    expect((await https()).fingerprint).toBe(fingerprintOf(second.certPem));

    // Binding the domain again keeps HTTPS; a suspended site answers its suspension page over HTTPS too.
    await t.call('hosting.bindDomain', { serverId, site, domain: host, aliases: [alias] });
    await t.call('hosting.suspendSite', { serverId, site });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect(readFileSync(vhost, 'utf8')).toContain('ssl_certificate');
    expect((await until(() => https(), (r) => r.status === 503)).body).toContain('This site is suspended');
    await t.call('hosting.unsuspendSite', { serverId, site });
    await settleQueue(t, serverId, 90_000);
    expect((await until(() => https(), (r) => r.status === 200)).fingerprint).toBe(fingerprintOf(second.certPem));

    // Adoption: a core without records finds the domain with its HTTPS options and takes its certificate in as uploaded.
    const fresh = await suite.web1('tls-adopt', 'root');
    await fresh.call('hosting.setSettings', { serverId: fresh.server.id, ...settings });
    const scan = await fresh.call<AdoptionScan>('hosting.adoptScan', { serverId: fresh.server.id });
    expect(scan.domains.find((d) => d.site === site)).toEqual({ site, domain: host, aliases: [alias], tls: { redirect: true, hsts: true } });
    const adopted = await fresh.call<{ sites: SiteRecord[] }>('hosting.adoptImport', { serverId: fresh.server.id, sites: [site] });
    expect(adopted.sites.find((s) => s.name === site)?.tls).toEqual([{ domain: host, source: 'uploaded', redirect: true, hsts: true }]);

    // Hostile values: refused at the contract, nothing queued, nothing ran.
    const queued = (await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length;
    const good = { serverId, site, domain: host, chainPem: second.certPem, keyPem: second.keyPem, redirect: false, hsts: false };
    const pemWith = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
    const hostile: Record<string, unknown>[] = [
      { chainPem: pemWith('CERTIFICATE', `$(touch ${canary})`) },
      { chainPem: `${second.certPem}\n$(touch ${canary})\n` },
      { chainPem: `${second.certPem}'; touch ${canary}; '` },
      { chainPem: second.certPem.replace('\n', `\n\`touch ${canary}\`\n`) },
      { chainPem: `${second.certPem}\u0000` },
      { chainPem: 'x'.repeat(70 * 1024) },
      { chainPem: pemWith('CERTIFICATE', 'A'.repeat(76)).repeat(1000) },
      { chainPem: '' },
      { chainPem: 'not a certificate' },
      { chainPem: pemWith('CERTIFICATE', 'bm90IGEgY2VydGlmaWNhdGU=') },
      { keyPem: pemWith('PRIVATE KEY', `$(touch ${canary})`) },
      { keyPem: `${second.keyPem}\ntouch ${canary}\n` },
      { keyPem: `${second.keyPem}\u0000` },
      { keyPem: pemWith('PRIVATE KEY', 'bm90IGEga2V5') },
      { keyPem: pemWith('CERTIFICATE', 'bm90IGEga2V5') },
      { keyPem: 'x'.repeat(70 * 1024) },
      { passphrase: `a\u0000b` },
      { domain: `${host}; touch ${canary}` },
      { domain: `$(touch ${canary}).test` },
      { domain: '../../etc/passwd' },
      { domain: `other-${tag}.test` },
      { site: `x; touch ${canary}` },
      { site: '../root' },
      { redirect: 'yes' },
      { hsts: `$(touch ${canary})` },
      { extra: 'field' },
    ];
    for (const change of hostile) {
      await expect(t.call('tls.upload', { ...good, ...change }), JSON.stringify(change).slice(0, 120)).rejects.toMatchObject({ shape: { code: expect.stringMatching(/invalid-input|not-found/) } });
    }
    const others: [string, Record<string, unknown>][] = [
      ['tls.setOptions', { serverId, site: `x; touch ${canary}`, domain: host, redirect: true, hsts: true }],
      ['tls.setOptions', { serverId, site, domain: `$(touch ${canary}).test`, redirect: true, hsts: true }],
      ['tls.setOptions', { serverId, site, domain: host, redirect: true, hsts: true, tlsDir: `/tmp; touch ${canary}` }],
      ['tls.remove', { serverId, site, domain: `${host}\n`, confirm: `${host}\n` }],
      ['tls.remove', { serverId, site: `../${site}`, domain: host, confirm: host }],
      ['tls.renew', { serverId, site, domain: `${host}'` }],
      ['tls.renew', { serverId, site, domain: host }],
      ['tls.status', { serverId: `x; touch ${canary}` }],
    ];
    for (const [method, input] of others) {
      await expect(t.call(method, input), `${method} ${JSON.stringify(input)}`).rejects.toMatchObject({ shape: { code: expect.stringMatching(/invalid-input|not-found/) } });
    }
    expect(existsSync(canary)).toBe(false);
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length).toBe(queued);

    // Previews queue nothing; an upload's shows the chain and only a mask for the key.
    const shown = await t.call<{ tasks: { kind: string; commands: string[] }[] }>('tls.preview', { serverId, site, domain: host, change: { op: 'upload', chainPem: second.certPem, redirect: true, hsts: false } });
    expect(shown.tasks.map((x) => x.kind)).toEqual(['tls.install']);
    expect(shown.tasks[0]!.commands.join('\n')).toContain(second.certPem.split('\n')[1]);
    const options = await t.call<{ tasks: { kind: string; commands: string[] }[] }>('tls.preview', { serverId, site, domain: host, change: { op: 'options', redirect: false, hsts: false } });
    expect(options.tasks[0]!.commands.join('\n')).not.toContain('Strict-Transport-Security');
    expect((await t.call<{ tasks: { kind: string }[] }>('tls.preview', { serverId, site, domain: host, change: { op: 'remove' } })).tasks.map((x) => x.kind)).toEqual(['tls.remove']);
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length).toBe(queued);

    // HTTPS removed (confirmed): plain HTTP again, certificate and key gone.
    await expect(t.call('tls.remove', { serverId, site, domain: host, confirm: 'nope' })).rejects.toMatchObject({ shape: { code: 'invalid-input' } });
    await t.call('tls.remove', { serverId, site, domain: host, confirm: host });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect(existsSync(`${tlsDir}/${site}/${host}.key`)).toBe(false);
    expect(readFileSync(vhost, 'utf8')).not.toContain('ssl');
    expect(await getUntil(host, '/', (r) => r.status === 200)).toEqual({ status: 200, body: `hello over https ${tag}\n` });

    // An encrypted key with its passphrase: installed decrypted (nginx reads no passphrase) and served.
    const third = makeLeaf(ca, [host, alias]);
    const passphrase = `hd-tls-pass-${tag}`;
    await t.call('tls.upload', { ...good, chainPem: third.certPem, keyPem: encryptKey(ca, third.keyPem, passphrase), passphrase, redirect: false });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect(readFileSync(`${tlsDir}/${site}/${host}.key`, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect((await until(() => https(), (r) => r.fingerprint === fingerprintOf(third.certPem))).status).toBe(200);

    // Deletion removes the site's certificates too.
    await t.call('hosting.deleteSite', { serverId, site, confirm: site });
    tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect(existsSync(`${tlsDir}/${site}`)).toBe(false);
  }, 600_000);
});

/** Asks until the answer passes `ok`, for up to 5 s (nginx applies a reload about 100 ms after its signal). */
async function until<T>(get: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await get().catch(() => null);
    if ((value !== null && ok(value)) || Date.now() > deadline) return value ?? get();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A plain HTTP request that does not follow redirects: its status and Location. */
async function redirectOf(hostName: string, path: string): Promise<{ status: number; location: string | undefined }> {
  const http = await import('node:http');
  const tb = suite.tb;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: tb.nginx.host, port: tb.nginx.port, path, headers: { Host: hostName }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.on('error', reject);
  });
}
