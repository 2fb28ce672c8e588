// Certificates for 50 sites, ordered from the testbed's pebble (Let's Encrypt's test CA, Debian's
// pebble, validating HTTP-01 for real on port 8080 of the address a name resolves to, resolving
// at the testbed BIND) and installed: the time from the first order to the moment all 50 are
// verified by a TLS handshake each (node tls.connect to nginx's TLS port 8443 with the name as
// SNI, trusting pebble's issuing root only, the certificate's names checked), each handshake
// started as soon as its site's install is reported done. Each side's sites run in two halves,
// A B B A (Hostdeck's first half, the peer's first, the peer's second, Hostdeck's second), each
// half timed so and the two summed: other work on this 2-core machine moves the load over a run
// of minutes, and the order makes that drift weigh on both sides alike.
// The server blocks go to an nginx of the bench's own (the testbed nginx's binary and main
// configuration) on web2's address, 127.0.0.3:8080 and :8443, and the names point there: the
// testbed nginx's folder is shared with tests that leave broken blocks there at any moment, and
// one such block failed a whole run at `nginx -t`. So the server is web2 (this machine too).
//   - Hostdeck: a real core (fresh data dir, web2 as root with the testbed key: this machine),
//     ACME settings pointing at pebble; 50 sites each with one bound domain created through the
//     core and queue beforehand (not timed), then acme.issue per site (HTTP-01, the domain's name,
//     no redirect, no HSTS), as the Issue certificate dialog does: the tasks run in web2's queue in
//     order (acme.http01, domain.bind, tls.issue per site).
//   - peer: a bash loop of `certbot certonly --webroot` (Debian's certbot) + install + reload per
//     site: non-interactive, --server <pebble's directory>, REQUESTS_CA_BUNDLE = pebble's API
//     root, an account registered before the clock (an admin's machine has one), `--webroot -w
//     <the site's web root>`, then the live fullchain and key copied over the site's placeholder
//     certificate and `nginx -t && nginx -s reload` (-c the bench nginx's conf). Its 50 server
//     blocks (own names; plain HTTP serving the web root, so /.well-known/acme-challenge/ too, and
//     an HTTPS part with a placeholder self-signed certificate, as an admin sets a site up before
//     certbot) are written beforehand, not timed. The loop runs locally, not through ssh: the
//     server is this machine, and one ssh session around a loop of many seconds would add one
//     connection setup (tens of ms), so running it locally only favours the peer.
// Both sides face the same CA with the same settings (PEBBLE_VA_NOSLEEP=1, pebble's default
// share of rejected nonces, which both clients retry), the same nginx and the same resolver;
// names are new each run (no authorization reuse). Per-phase timings are logged: for Hostdeck
// the ACME calls inside tls.issue (account, order, challenge validation wait, finalize, download;
// acme-client's Client methods timed around the core's own calls) and each task's time; for
// certbot its run (startup, challenge wait and finalize from its own log) and install + reload.
// Everything is removed after: Hostdeck's sites through Hostdeck (certificates with them), the
// zone through Hostdeck's DNS, the peer's server blocks, certificates and certbot's folders. The
// server-wide ACME answer (hostdeck-acme.conf) stays, as after any issue.
//
//   CERT50_SITES=5 npx tsx scripts/bench.ts cert-issue-50    (a quick try)
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import tls from 'node:tls';
import * as acme from 'acme-client';
import type { Server } from '../shared/domain';
import type { Task } from '../shared/queue';
import type { DnsRecord } from '../shared/dns';
import { pebbleSettings } from '../test/helpers/acme';
import { addNameservers, SOA } from '../test/helpers/dns';
import { testbedHostingSettings } from '../test/helpers/hosting';
import { benchCore, settledDone, type BenchCall } from './hostdeck';
import { entry, type BenchContext, type BenchEntry } from './lib';
import { startPrivateNginx } from './private-nginx';

export const name = 'cert-issue-50';

const SITES = Number(process.env.CERT50_SITES ?? 50);

/** One TLS handshake: whether pebble's root verifies the chain and the certificate names `servername`. */
function handshake(host: string, port: number, servername: string, ca: string): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, servername, ca, rejectUnauthorized: false, timeout: 3000 }, () => {
      const san = socket.getPeerCertificate().subjectaltname ?? '';
      const ok = socket.authorized && san.split(', ').includes(`DNS:${servername}`);
      socket.destroy();
      resolve({ ok, detail: ok ? 'verified' : `${socket.authorizationError ?? 'chain verified'}; names ${san || 'none'}` });
    });
    socket.on('timeout', () => socket.destroy(new Error('handshake timeout')));
    socket.on('error', (e) => resolve({ ok: false, detail: e.message }));
  });
}

/** Handshakes until one verifies (a reload applies in about 100 ms); rejects after 20 s. */
async function verified(host: string, port: number, servername: string, ca: string): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (let tries = 1; ; tries++) {
    const r = await handshake(host, port, servername, ca);
    if (r.ok) return tries;
    if (Date.now() > deadline) throw new Error(`${servername}: no verified TLS handshake within 20 s (${r.detail})`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

/** The promise, with its rejection marked handled until someone awaits it (a Promise.all after the loop). */
function settledLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** Milliseconds spent in acme-client's calls, by phase (the bench's own clock around the core's calls). */
type AcmePhases = Record<'account' | 'order' | 'challenge' | 'finalize' | 'download', number>;

/** Wraps acme-client's Client methods the core calls, adding each call's time to `phases`. */
function timeAcmeCalls(phases: AcmePhases): () => void {
  const proto = acme.Client.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const phaseOf: Record<string, (args: unknown[]) => keyof AcmePhases> = {
    createAccount: () => 'account',
    createOrder: () => 'order',
    getAuthorizations: () => 'order',
    completeChallenge: () => 'challenge',
    // A challenge has a token; an order (after finalize) has none.
    waitForValidStatus: (args) => ((args[0] as { token?: string }).token ? 'challenge' : 'finalize'),
    finalizeOrder: () => 'finalize',
    getCertificate: () => 'download',
  };
  const originals = Object.keys(phaseOf).map((method) => [method, proto[method]!] as const);
  for (const [method, original] of originals) {
    proto[method] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        phases[phaseOf[method]!(args)] += performance.now() - started;
      }
    };
  }
  return () => {
    for (const [method, original] of originals) proto[method] = original;
  };
}

/** A self-signed placeholder (key, certificate), as a site has before its first real certificate. */
function placeholder(dir: string): { key: string; crt: string } {
  const key = path.join(dir, 'placeholder.key');
  const crt = path.join(dir, 'placeholder.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=placeholder'], { stdio: 'ignore' });
  return { key, crt };
}

/** The peer's server block: plain HTTP serving the web root (the challenge files too), HTTPS with the site's certificate files. */
function peerBlock(o: { listen: string; tlsListen: string; host: string; root: string; crt: string; key: string }): string {
  return `# bench/${name}.bench.ts: certbot peer
server {
    listen ${o.listen};
    listen ${o.tlsListen} ssl;
    server_name ${o.host};
    root ${o.root};
    ssl_certificate ${o.crt};
    ssl_certificate_key ${o.key};
    location / { try_files $uri $uri/ =404; }
}
`;
}

/**
 * certbot's own log (one file, every run appended, each starting with its version line), per run:
 * from its first line to "Waiting for verification" (account, order, challenge set up), the
 * challenge validation wait (until "Cleaning up challenges"), and from there to its last line
 * (finalize, download, saving the lineage).
 */
function certbotLogPhases(logsDir: string): { setup: number; challenge: number; finalize: number; logged: number }[] {
  const stamp = (line: string): number | null => {
    const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}):/.exec(line);
    return m ? Date.parse(`${m[1]!.replace(' ', 'T')}.${m[2]}`) : null;
  };
  const text = readFileSync(path.join(logsDir, 'letsencrypt.log'), 'utf8');
  const runs = text.split(/\n(?=\S+ \S+:DEBUG:certbot\._internal\.main:certbot version:)/);
  const out: { setup: number; challenge: number; finalize: number; logged: number }[] = [];
  for (const run of runs) {
    const lines = run.split('\n');
    const stamps = lines.map(stamp).filter((s): s is number => s !== null);
    const at = (text: string) => {
      const line = lines.find((l) => l.includes(text));
      return line ? stamp(line) : null;
    };
    const waiting = at('Waiting for verification');
    const cleaning = at('Cleaning up challenges');
    const first = stamps[0];
    const last = stamps.at(-1);
    if (first && waiting && cleaning && last) out.push({ setup: waiting - first, challenge: cleaning - waiting, finalize: last - cleaning, logged: last - first });
  }
  return out;
}

/** Why each certbot run that ended abnormally failed: the CA's last error detail in its log, else its last log line. */
function certbotFailures(logsDir: string): string[] {
  const text = readFileSync(path.join(logsDir, 'letsencrypt.log'), 'utf8');
  return text
    .split(/\n(?=\S+ \S+:DEBUG:certbot\._internal\.main:certbot version:)/)
    .filter((run) => run.includes('Exiting abnormally'))
    .map((run) => {
      const domain = /'-d', '([^']+)'/.exec(run)?.[1] ?? '?';
      const details = [...run.matchAll(/"detail": "([^"]*)"/g)].map((m) => m[1]);
      const lines = run.trim().split('\n');
      return `${domain}: ${details.at(-1) ?? lines.at(-1)}`;
    });
}

/** A zone with A records to `address` for `owners`, pushed through Hostdeck's DNS to ns1 and ns2. */
async function zoneWithNames(call: BenchCall, zone: string, owners: string[], address: string): Promise<void> {
  const ns = await addNameservers({ call });
  await call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.', 'ns2.example.test.'] });
  for (const owner of owners) await call('dns.putRecord', { zone, record: { name: owner, type: 'A', ttl: 60, value: address } satisfies DnsRecord });
  await call('dns.push', { zones: [zone] });
  for (const s of Object.values(ns)) await settledDone(call, s.id, `pushing ${zone}`, 60_000);
}

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const ms = (x: number): string => `${x.toFixed(0)} ms`;

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const tb = ctx.testbed;
  const web2 = tb.ssh.web2;
  const tag = randomBytes(3).toString('hex');
  const zone = `cib-${tag}.test`;
  const indexes = Array.from({ length: SITES }, (_, i) => i + 1);
  const hd = indexes.map((i) => ({ site: `cib${tag}h${i}`, domain: `hd${i}.${zone}` }));
  const peer = indexes.map((i) => ({ label: `cb${i}`, domain: `cb${i}.${zone}` }));
  // pebble validates HTTP-01 on this port (the testbed nginx's, on another address).
  const nginx = await startPrivateNginx(ctx, name, { listen: { host: web2.host, port: tb.pebble.httpPort } });
  const tlsHost = nginx.host;
  const tlsPort = tb.nginx.tlsPort;
  const reloadNginx = () => execFileSync('nginx', ['-c', nginx.conf, '-s', 'reload'], { stdio: ['ignore', 'ignore', 'pipe'] });

  // ---- Hostdeck's core: web2, the testbed's hosting settings with the bench's nginx, pebble as the CA
  const home = path.join(ctx.tmpDir, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  // web1's sshd carries the nameservers (test/helpers/dns.ts).
  const web1 = tb.ssh.web1;
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[${web2.host}]:${web2.port} ${web2.hostKeyLine}\n[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
  const { core, call } = await benchCore(ctx, home);
  const server = await call<Server>('servers.add', { name: 'web2', host: web2.host, port: web2.port, user: 'root', auth: { method: 'key', keyPath: tb.keys.ed25519.path }, roles: ['web'], tags: [] });
  const serverId = server.id;
  const web = { vhostDir: nginx.sitesDir, nginxConf: nginx.conf, listen: `${nginx.host}:${nginx.port}`, suspendedDir: `${nginx.prefix}/suspended`, tlsDir: `${nginx.prefix}/tls`, tlsListen: `${tlsHost}:${tlsPort}` };
  await call('hosting.setSettings', { serverId, ...testbedHostingSettings(tb), web });
  await call('acme.setSettings', pebbleSettings(tb));

  // ---- the peer's folders and server blocks
  chmodSync(ctx.tmpDir, 0o755); // nginx's workers read the peer's web roots under it
  const peerDir = path.join(ctx.tmpDir, 'peer');
  const certbotDirs = { config: path.join(peerDir, 'certbot', 'config'), work: path.join(peerDir, 'certbot', 'work'), logs: path.join(peerDir, 'certbot', 'logs') };
  const peerTls = path.join(peerDir, 'tls');
  for (const d of [...Object.values(certbotDirs), peerTls]) mkdirSync(d, { recursive: true, mode: 0o700 });
  const blockFile = (label: string) => path.join(nginx.sitesDir, `certbot-${label}.conf`);

  let zoneMade = false;
  let sitesMade = false;
  let blocksMade = false;
  let tornDown = false;
  const teardown = async () => {
    if (tornDown) return;
    tornDown = true;
    if (sitesMade) {
      try {
        for (const s of hd) await call('hosting.deleteSite', { serverId, site: s.site, confirm: s.site });
        await settledDone(call, serverId, 'removing the sites through Hostdeck', 600_000);
        ctx.log(`${SITES} sites removed through Hostdeck`);
      } catch (e) {
        ctx.log(`removing the sites through Hostdeck failed, removing them by hand: ${(e as Error).message}`);
        const script = hd.map((s) => `if id -u ${s.site} >/dev/null 2>&1; then pkill -KILL -u ${s.site}; userdel -r ${s.site} 2>/dev/null; fi; rm -rf /home/${s.site}`).join('\n');
        execFileSync('sh', ['-c', script], { stdio: 'ignore' });
      }
    }
    if (zoneMade) {
      try {
        const { tasks } = await call<{ tasks: Task[] }>('dns.deleteZone', { zone, confirm: zone });
        for (const id of new Set(tasks.map((x) => x.serverId))) await settledDone(call, id, 'removing the zone through Hostdeck', 60_000);
        ctx.log(`zone ${zone} removed through Hostdeck`);
      } catch (e) {
        ctx.log(`removing the zone ${zone} failed: ${(e as Error).message}`);
      }
    }
    if (blocksMade) for (const p of peer) rmSync(blockFile(p.label), { force: true });
    nginx.stop();
  };
  ctx.defer(teardown);

  try {
    // ---- names: one zone with A records to web2 for both sides' names, at ns1 and ns2 (pebble asks ns1)
    const t0 = performance.now();
    zoneMade = true;
    await zoneWithNames(call, zone, [...hd.map((_, i) => `hd${i + 1}`), ...peer.map((p) => p.label)], web2.host);
    ctx.log(`zone ${zone} with ${2 * SITES} names pushed (${ms(performance.now() - t0)})`);

    // ---- Hostdeck's sites, each with its domain bound, through the core and the queue (not timed)
    const t1 = performance.now();
    sitesMade = true;
    for (const s of hd) await call('hosting.createSite', { serverId, name: s.site, quotaMb: 0, domains: [s.domain] });
    await settledDone(call, serverId, `creating ${SITES} sites`, 600_000);
    ctx.log(`${SITES} sites with a bound domain created through Hostdeck (${ms(performance.now() - t1)})`);
    // The account key is made at the first name check (the check reads its thumbprint).
    await call('acme.checkNames', { serverId, site: hd[0]!.site, domain: hd[0]!.domain, names: [hd[0]!.domain], challenge: 'http-01' });

    // ---- the peer's web roots, placeholder certificates and server blocks (not timed)
    const ph = placeholder(peerDir);
    for (const p of peer) {
      const root = path.join(peerDir, 'www', p.label);
      mkdirSync(root, { recursive: true });
      chmodSync(path.join(peerDir, 'www'), 0o755);
      writeFileSync(path.join(root, 'index.html'), `${p.domain}\n`);
      copyFileSync(ph.crt, path.join(peerTls, `${p.label}.crt`));
      copyFileSync(ph.key, path.join(peerTls, `${p.label}.key`));
      writeFileSync(blockFile(p.label), peerBlock({ listen: `${nginx.host}:${nginx.port}`, tlsListen: `${tlsHost}:${tlsPort}`, host: p.domain, root, crt: path.join(peerTls, `${p.label}.crt`), key: path.join(peerTls, `${p.label}.key`) }));
    }
    chmodSync(peerDir, 0o755);
    blocksMade = true;
    execFileSync('nginx', ['-t', '-q', '-c', nginx.conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    reloadNginx();
    const certbotEnv = { ...process.env, REQUESTS_CA_BUNDLE: tb.pebble.apiCaFile };
    const certbotCommon = ['--server', tb.pebble.directoryUrl, '--config-dir', certbotDirs.config, '--work-dir', certbotDirs.work, '--logs-dir', certbotDirs.logs, '--non-interactive'];
    execFileSync('certbot', ['register', ...certbotCommon, '--agree-tos', '-m', 'hostmaster@example.test', '--no-eff-email'], { env: certbotEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    for (const f of readdirSync(certbotDirs.logs)) rmSync(path.join(certbotDirs.logs, f), { force: true });
    ctx.log(`peer: ${SITES} server blocks with placeholder certificates, certbot account registered at pebble`);
    const root = readFileSync(tb.pebble.issuingRootFile, 'utf8');

    // ---- Hostdeck: acme.issue per site; each site verified as soon as its tls.issue is done
    const phases: AcmePhases = { account: 0, order: 0, challenge: 0, finalize: 0, download: 0 };
    const taskMs = new Map<string, number[]>();
    const callMs: number[] = [];
    const hostdeckBatch = async (batch: typeof hd): Promise<number> => {
      const verifications: Promise<number>[] = [];
      const state: { failed: Task | null } = { failed: null };
      const seen = new Set<string>();
      const untime = timeAcmeCalls(phases);
      const unsubscribe = core.subscribe((event, payload) => {
        if (event !== 'queue.changed') return;
        const { task } = payload as { task: Task };
        if (task.serverId !== serverId || seen.has(task.id)) return;
        if (task.status === 'failed') state.failed = task;
        if (task.status !== 'done') return;
        seen.add(task.id);
        taskMs.set(task.kind, [...(taskMs.get(task.kind) ?? []), task.ms ?? Number.NaN]);
        if (task.kind === 'tls.issue') verifications.push(settledLater(verified(tlsHost, tlsPort, String(task.params.domain), root)));
      });
      const started = performance.now();
      try {
        for (const s of batch) {
          const c0 = performance.now();
          await call('acme.issue', { serverId, site: s.site, domain: s.domain, names: [s.domain], challenge: 'http-01', redirect: false, hsts: false });
          callMs.push(performance.now() - c0);
        }
        const deadline = Date.now() + 30 * 60_000;
        while (verifications.length < batch.length) {
          if (state.failed) throw new Error(`Hostdeck: task ${state.failed.kind} failed: ${state.failed.stderrTail.slice(-500)}`);
          if (Date.now() > deadline) throw new Error(`Hostdeck: ${verifications.length} of ${batch.length} certificates installed after 30 min`);
          await new Promise((r) => setTimeout(r, 20));
        }
        await Promise.all(verifications);
      } finally {
        unsubscribe();
        untime();
      }
      const took = performance.now() - started;
      ctx.log(`Hostdeck: ${batch.length} certificates issued, installed and verified in ${ms(took)} (load ${loadavg()})`);
      return took;
    };

    // ---- peer: the certbot loop; each site verified as soon as the loop reports it reloaded
    const certbotMs: number[] = [];
    const installMs: number[] = [];
    const retried: string[] = [];
    const peerBatch = async (batch: typeof peer): Promise<number> => {
      const script = [
        'set -e',
        ...batch.map((p) =>
          [
            `echo "certbot ${p.label}"`,
            // A run that fails is run once more, as an admin would (the reason is in certbot's log).
            `certonly='certbot certonly --webroot -w ${path.join(peerDir, 'www', p.label)} -d ${p.domain} --cert-name ${p.label} ${certbotCommon.join(' ')} --quiet'`,
            `$certonly || { echo "retry ${p.label}"; $certonly; }`,
            `echo "install ${p.label}"`,
            `cp ${certbotDirs.config}/live/${p.label}/fullchain.pem ${peerTls}/${p.label}.crt && cp ${certbotDirs.config}/live/${p.label}/privkey.pem ${peerTls}/${p.label}.key`,
            `nginx -t -q -c ${nginx.conf} && nginx -s reload -c ${nginx.conf}`,
            `echo "done ${p.label}"`,
          ].join('\n'),
        ),
      ].join('\n');
      const scriptFile = path.join(peerDir, `loop-${batch[0]!.label}.sh`);
      writeFileSync(scriptFile, `${script}\n`);
      const verifications: Promise<number>[] = [];
      const at = new Map<string, number>();
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        const child = spawn('bash', [scriptFile], { env: certbotEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
        readline.createInterface({ input: child.stdout }).on('line', (line) => {
          const now = performance.now();
          const [what, label] = line.split(' ') as [string, string];
          if (what === 'retry') {
            retried.push(label);
            return;
          }
          if (what === 'install') certbotMs.push(now - at.get(label)!);
          if (what === 'done') {
            installMs.push(now - at.get(label)!);
            verifications.push(settledLater(verified(tlsHost, tlsPort, `${label}.${zone}`, root)));
          }
          at.set(label, now);
        });
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`the certbot loop exited ${code}: ${stderr}\n${certbotFailures(certbotDirs.logs).join('\n')}`))));
      });
      await Promise.all(verifications);
      const took = performance.now() - started;
      ctx.log(`certbot loop: ${batch.length} certificates issued, installed and verified in ${ms(took)} (load ${loadavg()})`);
      return took;
    };

    // ---- two halves per side, A B B A: a load that drifts over the run weighs on both alike
    const half = Math.ceil(SITES / 2);
    let hdMs = await hostdeckBatch(hd.slice(0, half));
    let peerMs = await peerBatch(peer.slice(0, half));
    peerMs += await peerBatch(peer.slice(half));
    hdMs += await hostdeckBatch(hd.slice(half));

    const meanOf = (kind: string) => mean(taskMs.get(kind) ?? []);
    const acmeMs = Object.values(phases).reduce((a, b) => a + b, 0);
    ctx.log(`Hostdeck: ${SITES} certificates in ${ms(hdMs)} (${ms(hdMs / SITES)} per site); certbot loop: ${ms(peerMs)} (${ms(peerMs / SITES)} per site)`);
    ctx.log(
      `Hostdeck per site (means): acme.issue call ${ms(mean(callMs))}; tasks acme.http01 ${ms(meanOf('acme.http01'))}, domain.bind ${ms(meanOf('domain.bind'))}, tls.issue ${ms(meanOf('tls.issue'))} = ` +
        `account ${ms(phases.account / SITES)} + order ${ms(phases.order / SITES)} + challenge validation wait ${ms(phases.challenge / SITES)} + finalize ${ms(phases.finalize / SITES)} + download ${ms(phases.download / SITES)} + install/reload and the rest ${ms(meanOf('tls.issue') - acmeMs / SITES)}`,
    );
    if (retried.length > 0) ctx.log(`certbot failed once for ${retried.join(', ')} (run again): ${certbotFailures(certbotDirs.logs).join('; ')}`);
    const logged = certbotLogPhases(certbotDirs.logs);
    ctx.log(
      `certbot loop per site (means): certbot run ${ms(mean(certbotMs))} = Python's start and exit outside its log ${ms(mean(certbotMs) - mean(logged.map((l) => l.logged)))} + ` +
        `(from its log, ${logged.length} runs) account/order/challenge set up ${ms(mean(logged.map((l) => l.setup)))} + challenge validation wait ${ms(mean(logged.map((l) => l.challenge)))} + finalize, download and save ${ms(mean(logged.map((l) => l.finalize)))}; ` +
        `install/reload ${ms(mean(installMs))}`,
    );

    const peerName = 'bash loop on the server: certbot certonly --webroot (Debian\'s certbot, account registered before) + cp + nginx -t && nginx -s reload per site';
    return [
      entry({ name, metric: `${SITES} sites: certificates ordered from pebble over HTTP-01 and installed, until each is verified by a TLS handshake (two halves per side run A B B A, summed)`, unit: 'ms', hostdeck: hdMs, peer: peerMs, peerName, goal: '<= 0.5' }),
    ];
  } finally {
    await teardown();
  }
}
