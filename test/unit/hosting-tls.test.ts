// HTTPS without a server: the checks of an uploaded certificate and key (real certificates made
// by openssl: mismatch, expired, not yet valid, names not covered, junk, encrypted key, chain
// order), the PEM shapes the contract accepts, the server block with HTTPS, and the plans.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FTP_SETTINGS, DEFAULT_MYSQL_SETTINGS, DEFAULT_WEB_SETTINGS, WebSettings, type HostingSettings, type SiteRecord } from '../../shared/api/hosting';
import { ChainPem, KeyPem } from '../../shared/tls';
import { bindDomain, deleteSite, unbindDomain } from '../../src-main/core/hosting/plans';
import { tlsInstallLines, tlsInstallParams } from '../../src-main/core/hosting/tls-install';
import { removeTls, setTlsOptions, uploadTls } from '../../src-main/core/hosting/tls-plans';
import type { InstalledCert } from '../../shared/api/tls';
import type { Task } from '../../shared/queue';
import { judge, parseCheckOutput } from '../../src-main/core/health/check';
import type { SiteService } from '../../src-main/core/hosting/sites';
import { parseStatus, TlsService } from '../../src-main/core/hosting/tls-service';
import type { Inventory } from '../../src-main/core/inventory/service';
import type { QueueService } from '../../src-main/core/queue/service';
import type { ConnectionManager } from '../../src-main/core/ssh/connections';
import { checkUpload, nameCovers } from '../../src-main/core/hosting/tls-x509';
import { serverBlock } from '../../src-main/core/hosting/vhost-tasks';
import { encryptKey, makeCa, makeLeaf } from '../helpers/tls';

const ca = makeCa();
const hosts = ['shop.test', 'www.shop.test'];
const good = makeLeaf(ca, hosts);
const DAY = 86_400_000;

function refusal(input: Parameters<typeof checkUpload>[0]): { field: string; message: string } {
  try {
    checkUpload(input);
  } catch (error) {
    const fields = (error as { details?: unknown; fields?: Record<string, string> }).fields ?? {};
    const [field = '', message = ''] = Object.entries(fields)[0] ?? [];
    return { field, message };
  }
  throw new Error('not refused');
}

describe('uploaded certificate checks', () => {
  it('accepts a matching, valid certificate that covers the domain and aliases', () => {
    const checked = checkUpload({ chainPem: `${good.certPem}${ca.pem}`, keyPem: good.keyPem, hosts });
    expect(checked.cert.names).toEqual(hosts);
    expect(checked.cert.issuer).toBe('Hostdeck Test CA');
    expect(checked.keyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(checked.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it('refuses a key of another certificate', () => {
    expect(refusal({ chainPem: good.certPem, keyPem: makeLeaf(ca, hosts).keyPem, hosts })).toEqual({ field: 'keyPem', message: 'This private key does not belong to the certificate (the first certificate of the chain)' });
  });

  it('refuses expired and not yet valid certificates', () => {
    const expired = makeLeaf(ca, hosts, { from: new Date(Date.now() - 30 * DAY), to: new Date(Date.now() - DAY) });
    expect(refusal({ chainPem: expired.certPem, keyPem: expired.keyPem, hosts }).message).toMatch(/^The certificate has expired \(on \d{4}-/);
    const future = makeLeaf(ca, hosts, { from: new Date(Date.now() + 2 * DAY), to: new Date(Date.now() + 30 * DAY) });
    expect(refusal({ chainPem: future.certPem, keyPem: future.keyPem, hosts }).message).toMatch(/^The certificate is not valid yet/);
  });

  it('names the names the certificate does not cover; a wildcard covers one label', () => {
    const only = makeLeaf(ca, ['shop.test']);
    expect(refusal({ chainPem: only.certPem, keyPem: only.keyPem, hosts: [...hosts, 'img.shop.test'] })).toEqual({ field: 'chainPem', message: 'The certificate does not cover www.shop.test, img.shop.test (it names shop.test)' });
    const wild = makeLeaf(ca, ['shop.test', '*.shop.test'], { keyType: 'rsa' });
    expect(checkUpload({ chainPem: wild.certPem, keyPem: wild.keyPem, hosts: [...hosts, 'img.shop.test'] }).cert.names).toEqual(['shop.test', '*.shop.test']);
    expect(nameCovers('*.shop.test', 'a.b.shop.test')).toBe(false);
    expect(nameCovers('*.shop.test', 'shop.test')).toBe(false);
  });

  it('asks for the passphrase of an encrypted key and refuses a wrong one', () => {
    const encrypted = encryptKey(ca, good.keyPem, 'correct horse battery');
    expect(refusal({ chainPem: good.certPem, keyPem: encrypted, hosts }).field).toBe('passphrase');
    expect(refusal({ chainPem: good.certPem, keyPem: encrypted, passphrase: 'wrong one', hosts })).toEqual({ field: 'passphrase', message: 'The passphrase does not decrypt the private key' });
    const checked = checkUpload({ chainPem: good.certPem, keyPem: encrypted, passphrase: 'correct horse battery', hosts });
    expect(checked.keyPem).not.toContain('ENCRYPTED');
  });

  it('refuses junk, a CA first and intermediates out of order', () => {
    const junk = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
    expect(refusal({ chainPem: junk, keyPem: good.keyPem, hosts }).field).toBe('chainPem');
    expect(refusal({ chainPem: good.certPem, keyPem: '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n', hosts }).field).toBe('keyPem');
    expect(refusal({ chainPem: `${ca.pem}${good.certPem}`, keyPem: good.keyPem, hosts }).message).toMatch(/private key does not belong|CA certificate/);
    const other = makeCa('Other CA');
    expect(refusal({ chainPem: `${good.certPem}${other.pem}`, keyPem: good.keyPem, hosts }).message).toBe('Certificate 2 of the chain did not issue certificate 1: the intermediates must follow in order');
  });
});

describe('PEM shapes at the contract', () => {
  it('accepts PEM with CRLF and blank space, refuses anything else', () => {
    expect(ChainPem.parse(`\r\n${good.certPem.replace(/\n/g, '\r\n')}  `)).toBe(good.certPem);
    expect(KeyPem.safeParse(good.keyPem).success).toBe(true);
    for (const bad of ['', 'x', good.keyPem, `${good.certPem}$(id)\n`, `${good.certPem}\u0000`, good.certPem.replace('MII', 'MI I'), 'A'.repeat(70_000)]) {
      expect(ChainPem.safeParse(bad).success, bad.slice(0, 40)).toBe(false);
    }
    for (const bad of ['', good.certPem, `${good.keyPem}x`, good.keyPem.replace('-----END', "'; id; '-----END")]) {
      expect(KeyPem.safeParse(bad).success, bad.slice(0, 40)).toBe(false);
    }
  });

  it('web settings saved before HTTPS still parse, with the defaults', () => {
    const old = { vhostDir: '/etc/nginx/sites-enabled', nginxConf: '/etc/nginx/nginx.conf', listen: '80', suspendedDir: '/etc/nginx/hostdeck-suspended' };
    expect(WebSettings.parse(old)).toEqual({ ...old, tlsDir: '/etc/ssl/hostdeck', tlsListen: '443' });
  });
});

const settings: HostingSettings = { ftp: DEFAULT_FTP_SETTINGS, web: DEFAULT_WEB_SETTINGS, mysql: DEFAULT_MYSQL_SETTINGS };
const site: SiteRecord = { name: 'shop', quotaMb: 0, status: 'active', createdAt: '2026-01-01T00:00:00.000Z', ftpUsers: [], databases: [], domains: [{ domain: 'shop.test', aliases: ['www.shop.test'] }], creations: [], cron: [], tls: [] } as SiteRecord;

describe('server block with HTTPS', () => {
  const bind = { site: 'shop', domain: 'shop.test', aliases: ['www.shop.test'], ...DEFAULT_WEB_SETTINGS };

  it('has no HTTPS part without a certificate', () => {
    expect(serverBlock(bind)).not.toMatch(/ssl|443/);
  });

  it('adds an HTTPS server with modern TLS; redirect keeps the challenge path; HSTS when asked', () => {
    const text = serverBlock({ ...bind, tls: { redirect: true, hsts: true } });
    expect(text).toContain('    listen 443 ssl http2;');
    expect(text).toContain('    ssl_certificate /etc/ssl/hostdeck/shop/shop.test.crt;');
    expect(text).toContain('    ssl_certificate_key /etc/ssl/hostdeck/shop/shop.test.key;');
    expect(text).toContain('    ssl_protocols TLSv1.2 TLSv1.3;');
    expect(text).toContain('    location / { return 301 https://$host$request_uri; }');
    expect(text).toContain('add_header Strict-Transport-Security "max-age=31536000" always;');
    expect(text.match(/server_name shop.test www.shop.test;/g)).toHaveLength(2);
    const plain = serverBlock({ ...bind, tlsListen: '127.0.0.2:8443', tls: { redirect: false, hsts: false } });
    expect(plain).not.toContain('return 301');
    expect(plain).not.toContain('Strict-Transport-Security');
    expect(serverBlock({ ...bind, tlsListen: '127.0.0.2:8443', tls: { redirect: true, hsts: false } })).toContain('return 301 https://$host:8443$request_uri;');
  });

  it('install lines carry the chain but never a key; the key comes from stdin', () => {
    const params = tlsInstallParams({ ...site, tls: [] }, settings, 'shop.test', good.certPem);
    expect(params).toMatchObject({ redirect: true, hsts: false, tlsDir: '/etc/ssl/hostdeck' });
    const text = tlsInstallLines(params).join('\n');
    expect(text).toContain('key_pem=$(cat)');
    expect(text).toContain(good.certPem.split('\n')[1]);
    expect(text).not.toContain('PRIVATE KEY-----\n');
  });
});

describe('HTTPS plans', () => {
  const withTls: SiteRecord = { ...site, tls: [{ domain: 'shop.test', source: 'uploaded', redirect: true, hsts: false }] };

  it('upload holds the key for its task and records the domain', () => {
    const plan = uploadTls([site], settings, { site: 'shop', domain: 'shop.test', chainPem: good.certPem, keyPem: good.keyPem, keyRef: 'tls-00000000-0000-0000-0000-000000000000', redirect: true, hsts: true });
    expect(plan.steps.map((s) => s.kind)).toEqual(['tls.install']);
    expect(JSON.stringify(plan.steps)).not.toContain('PRIVATE KEY');
    expect(plan.secrets).toEqual([{ ref: 'tls-00000000-0000-0000-0000-000000000000', password: good.keyPem }]);
    expect(plan.sites[0]!.tls).toEqual([{ domain: 'shop.test', source: 'uploaded', redirect: true, hsts: true }]);
    expect(() => uploadTls([site], settings, { site: 'shop', domain: 'other.test', chainPem: good.certPem, keyPem: good.keyPem, keyRef: 'tls-x', redirect: true, hsts: true })).toThrow(/not bound/);
  });

  it('binding again keeps HTTPS; unbinding and deleting remove the files; options and removal', () => {
    expect(bindDomain([withTls], settings, { site: 'shop', domain: 'shop.test', aliases: [] }).steps[0]!.params).toMatchObject({ tls: { redirect: true, hsts: false } });
    const unbind = unbindDomain([withTls], settings, 'shop', 'shop.test');
    expect(unbind.steps.map((s) => s.kind)).toEqual(['domain.unbind', 'tls.forget']);
    expect(unbind.sites[0]!.tls).toEqual([]);
    expect(deleteSite([withTls], settings, 'shop').steps.map((s) => s.kind)).toContain('tls.forget');
    expect(deleteSite([site], settings, 'shop').steps.map((s) => s.kind)).not.toContain('tls.forget');
    const options = setTlsOptions([withTls], settings, { site: 'shop', domain: 'shop.test', redirect: false, hsts: true });
    expect(options.steps[0]).toMatchObject({ kind: 'domain.bind', params: { tls: { redirect: false, hsts: true } } });
    const removed = removeTls([withTls], settings, { site: 'shop', domain: 'shop.test' });
    expect(removed.steps[0]!.kind).toBe('tls.remove');
    expect(removed.steps[0]!.params).not.toHaveProperty('tls');
    expect(removed.sites[0]!.tls).toEqual([]);
  });
});

describe('status read', () => {
  it('parses the certificates found, by site and domain, and names a file that does not parse', () => {
    const out = `==> /etc/ssl/hostdeck/shop/shop.test.crt\n${good.certPem}${ca.pem}==> /etc/ssl/hostdeck/blog/blog.test.crt\ngarbage\n`;
    const { certs, problems } = parseStatus(out, '/etc/ssl/hostdeck');
    expect(certs).toHaveLength(1);
    expect(certs[0]).toMatchObject({ site: 'shop', domain: 'shop.test', names: hosts, selfIssued: false });
    expect(problems).toEqual(['/etc/ssl/hostdeck/blog/blog.test.crt does not hold a certificate that parses']);
  });
});

describe('renewal and expiry warnings', () => {
  const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();
  const cert = (site: string, domain: string, notAfter: string): InstalledCert => ({ site, domain, names: [domain], issuer: 'CA', notBefore: inDays(-60), notAfter, fingerprint: 'AA', selfIssued: false });

  function service(o: { tasks?: Partial<Task>[] } = {}) {
    const records: SiteRecord[] = [
      { ...site, name: 'shop', tls: [{ domain: 'shop.test', source: 'acme', redirect: true, hsts: false }, { domain: 'old.test', source: 'acme', redirect: true, hsts: false }] },
      { ...site, name: 'blog', tls: [{ domain: 'blog.test', source: 'uploaded', redirect: true, hsts: false }] },
    ];
    const queued: string[] = [];
    const tls = new TlsService(
      { sites: () => records } as unknown as SiteService,
      {} as ConnectionManager,
      { list: () => ({ tasks: o.tasks ?? [] }) } as unknown as QueueService,
      { list: async () => [{ id: 's1', name: 'web1' }] } as unknown as Inventory,
      { queueIssue: async (serverId, s, domain) => { queued.push(`${serverId}/${s}/${domain}`); return []; } },
      () => undefined,
    );
    // The server's answer without SSH: shop.test due in 10 days, old.test in 60, blog.test (uploaded) in 5.
    const certs = [cert('shop', 'shop.test', inDays(10.5)), cert('shop', 'old.test', inDays(60)), cert('blog', 'blog.test', inDays(5.5))];
    (tls as unknown as { last: Map<string, unknown> }).last.set('s1', { certs, readAt: '', problems: [] });
    tls.status = async () => ({ certs, readAt: '', problems: [] });
    return { tls, queued };
  }

  it('queues ACME certificates within 30 days of expiry, not uploaded ones, and not twice while an issue waits', async () => {
    const { tls, queued } = service();
    expect(await tls.renewDue()).toEqual(['s1/shop/shop.test']);
    expect(queued).toEqual(['s1/shop/shop.test']);
    const waiting = service({ tasks: [{ kind: 'tls.issue', status: 'pending', params: { site: 'shop', domain: 'shop.test' } }] });
    expect(await waiting.tls.renewDue()).toEqual([]);
    const failed = service({ tasks: [{ kind: 'tls.issue', status: 'failed', params: { site: 'shop', domain: 'shop.test' } }] });
    expect(await failed.tls.renewDue()).toEqual([]);
    const doneBefore = service({ tasks: [{ kind: 'tls.issue', status: 'done', params: { site: 'shop', domain: 'shop.test' } }] });
    expect(await doneBefore.tls.renewDue()).toEqual(['s1/shop/shop.test']);
  });

  it('warns fleet health about certificates within 21 days from the last read, and health turns warn', () => {
    const { tls } = service();
    const warnings = tls.expiryWarnings('s1');
    expect(warnings).toEqual(['the certificate of shop.test (site shop) expires in 10 days', 'the certificate of blog.test (site blog) expires in 5 days']);
    expect(tls.expiryWarnings('unknown-server')).toEqual([]);
    const facts = parseCheckOutput('__HD_CHECK_BEGIN\n__HD_CHECK_END\n');
    const verdict = judge({ ...facts, complete: true }, [], warnings);
    expect(verdict.status).toBe('warn');
    expect(verdict.reason).toBe('The certificate of shop.test (site shop) expires in 10 days; the certificate of blog.test (site blog) expires in 5 days.');
    expect(tls.expiredAlerts('s1')).toEqual([]);
  });

  it('tells fleet health an expired certificate as an alert (red), not a warning', () => {
    const { tls } = service();
    const later = new Date(Date.now() + 7 * 86_400_000);
    expect(tls.expiredAlerts('s1', later)).toEqual(['the certificate of blog.test (site blog) has expired']);
    expect(tls.expiryWarnings('s1', later)).toEqual(['the certificate of shop.test (site shop) expires in 3 days']);
    const facts = parseCheckOutput('__HD_CHECK_BEGIN\n__HD_CHECK_END\n');
    const verdict = judge({ ...facts, complete: true }, [], tls.expiryWarnings('s1', later), tls.expiredAlerts('s1', later));
    expect(verdict.status).toBe('alert');
    expect(verdict.reason).toBe('The certificate of blog.test (site blog) has expired; the certificate of shop.test (site shop) expires in 3 days.');
  });
});
