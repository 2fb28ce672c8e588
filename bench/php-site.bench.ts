// A small PHP page through nginx and a site's PHP-FPM pool: requests per second under the same
// load (wrk from Debian: 2 threads, 16 connections), same page, same nginx binary, same php-fpm.
//   - Hostdeck: a real core (fresh data dir, web1 as root with the testbed key) creates the site
//     with its domain, turns PHP on with the server's default values (as the PHP section does:
//     the version hosting.phpVersions finds, the settings' defaults) and so writes the site's
//     pool (pm = ondemand) and its server block, all through the queue; removed through Hostdeck
//     at the end (hosting.deleteSite).
//   - peer: Debian's shared `www` pool as shipped (/etc/php/<version>/fpm/pool.d/www.conf read
//     from this machine, only its `listen` moved: pm = dynamic, 5 children, 2 started), behind a
//     server block written the way Debian's default site passes PHP on
//     (`include snippets/fastcgi-php.conf;`, whose own `include fastcgi.conf;` is relative: the
//     private nginx's prefix links both to /etc/nginx's files); removed at the end.
// Both sides run in an nginx and a php-fpm master of the bench's own (the testbed's are reloaded
// by tests at any moment, and a php-fpm reload restarts every pool's processes); nginx logs every
// request to its access log, as Debian's nginx.conf does.
// Each measured run follows a 2 s warm-up of its side (ondemand spawns its processes on the first
// requests, and they end after the idle timeout while the other side runs); runs alternate
// A B B A …, medians taken. A run with any non-2xx answer or socket error throws: a 502 is fast.
// Info rows: CPU per request of php-fpm and nginx (/proc: steadier than req/s when other work
// shares the machine), p99 latency under the load, the first request after the master
// (re)started (ondemand spawns a process for it) and the first after the idle timeout.
//
//   PHPSITE_ROUNDS=1 PHPSITE_SECONDS=3 npx tsx scripts/bench.ts php-site    (a quick try)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { HostingSettings, SiteRecord } from '../shared/api/hosting';
import type { Server } from '../shared/domain';
import { DEFAULT_PHP_SETTINGS } from '../shared/php';
import type { Task } from '../shared/queue';
import { sleep, stopByPidFile, waitFor } from '../testbed/util';
import { benchCore, deleteSiteThroughHostdeck, removeSiteByHand, settledDone } from './hostdeck';
import { entry, median, type BenchContext, type BenchEntry } from './lib';
import { processCpuSeconds } from './proc-cpu';
import { startPrivateNginx, type PrivateNginx } from './private-nginx';

export const name = 'php-site';

// Many short runs rather than a few long ones: on a shared machine the load moves within seconds.
const ROUNDS = Number(process.env.PHPSITE_ROUNDS ?? 8);
const SECONDS = Number(process.env.PHPSITE_SECONDS ?? 6);
const WARM_S = 2;
const THREADS = 2;
const CONNECTIONS = 16;

const PAGE = `<?php
header('Content-Type: text/html; charset=utf-8');
$items = [];
for ($i = 1; $i <= 20; $i++) $items[] = "<li>Item $i</li>";
echo '<!doctype html><html><head><title>php-site bench</title></head><body><h1>Hello from PHP ', PHP_VERSION, '</h1><ul>', implode('', $items), '</ul><p>', date('Y-m-d H:i:s'), '</p></body></html>';
`;
const PAGE_MARK = '<h1>Hello from PHP ';

type Wrk = { rps: number; p50: number; p99: number; requests: number };
/** CPU µs per request: php-fpm's master, its pool processes, nginx (master and worker). */
type Run = Wrk & { cpuUs: number; split: [number, number, number] };

/** ms from wrk's "4.90ms" / "812.00us" / "1.02s". */
function wrkMs(text: string): number {
  const m = /^([0-9.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`wrk latency "${text}" not understood`);
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
}

function wrk(url: string, host: string, seconds: number): Wrk {
  const out = execFileSync('wrk', [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '5s', '--latency', '-H', `Host: ${host}`, url], { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  const bad = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const errors = /Socket errors: (.*)/.exec(out);
  if (bad || errors) throw new Error(`wrk on ${host}: ${bad ? `${bad[1]} non-2xx answers` : ''} ${errors ? `socket errors ${errors[1]}` : ''}\n${out}`);
  const rps = /Requests\/sec:\s+([0-9.]+)/.exec(out);
  const p50 = /^\s+50%\s+(\S+)$/m.exec(out);
  const p99 = /^\s+99%\s+(\S+)$/m.exec(out);
  const requests = /(\d+) requests in/.exec(out);
  if (!rps || !p50 || !p99 || !requests) throw new Error(`wrk output not understood:\n${out}`);
  return { rps: Number(rps[1]), p50: wrkMs(p50[1]!), p99: wrkMs(p99[1]!), requests: Number(requests[1]) };
}

/**
 * CPU seconds a daemon has used: its master itself, and its processes — those it has reaped and
 * the live ones (a pool process that ends during a run moves from one sum to the other).
 */
function daemonCpu(pidFile: string): { master: number; processes: number } {
  const master = readFileSync(pidFile, 'utf8').trim();
  let children: string[] = [];
  try {
    children = execFileSync('ps', ['--ppid', master, '-o', 'pid='], { encoding: 'utf8' }).split('\n').map((x) => x.trim()).filter(Boolean);
  } catch {
    /* ps exits 1 when there is none */
  }
  const own = processCpuSeconds(master);
  const processes = processCpuSeconds(master, true) - own + children.reduce((sum, c) => sum + processCpuSeconds(c), 0);
  return { master: own, processes };
}

/** One GET with a new connection: status, body and ms. */
function get(nginx: PrivateNginx, host: string, urlPath: string): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: nginx.host, port: nginx.port, path: urlPath, headers: { Host: host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }));
    });
    req.on('error', reject);
  });
}

/** A php-fpm master of the bench's own, as root like a server's (Debian's main config: pid, log, the pool folder). */
type PrivateFpm = { version: string; binary: string; conf: string; pidFile: string; poolsDir: string; socketDir: string; stop: () => Promise<void> };

async function startPrivateFpm(ctx: BenchContext, firstPool: { file: string; text: string; socket: string }): Promise<PrivateFpm> {
  const { version, binary } = ctx.testbed.php;
  const dir = path.join(ctx.tmpDir, 'php-fpm');
  const poolsDir = path.join(dir, 'pool.d');
  const socketDir = path.join(dir, 'run');
  for (const d of [poolsDir, socketDir]) mkdirSync(d, { recursive: true });
  const conf = path.join(dir, 'php-fpm.conf');
  const pidFile = path.join(dir, 'php-fpm.pid');
  writeFileSync(conf, `; Written by bench/${name}.bench.ts (Debian's php-fpm.conf with the bench's paths)\n[global]\npid = ${pidFile}\nerror_log = ${dir}/error.log\ninclude = ${poolsDir}/*.conf\n`);
  // php-fpm does not start without a pool.
  writeFileSync(path.join(poolsDir, firstPool.file), firstPool.text);
  const stop = () => stopByPidFile(pidFile, conf).then(() => undefined);
  ctx.defer(stop); // on Ctrl+C
  execFileSync(binary, ['--fpm-config', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  await waitFor('the bench php-fpm socket', () => existsSync(firstPool.socket), { timeoutMs: 10_000 });
  return { version, binary, conf, pidFile, poolsDir, socketDir, stop };
}

/** Debian's www pool as shipped on this machine, only its socket moved. */
function debianWwwPool(version: string, socket: string): string {
  const shipped = `/etc/php/${version}/fpm/pool.d/www.conf`;
  if (!existsSync(shipped)) throw new Error(`${shipped} is missing (Debian's php${version}-fpm ships it; reinstall the package to get it back)`);
  const text = readFileSync(shipped, 'utf8');
  if (!/^listen = .*$/m.test(text)) throw new Error(`${shipped} has no "listen = " line`);
  return `; bench/${name}.bench.ts: ${shipped} as shipped, only listen changed\n${text.replace(/^listen = .*$/m, `listen = ${socket}`)}`;
}

/** The server block of Debian's default site with its PHP location turned on (index.php added, as its comment says). */
function debianServerBlock(o: { listen: string; host: string; root: string; socket: string }): string {
  return `server {
\tlisten ${o.listen};
\troot ${o.root};
\tindex index.php index.html index.htm index.nginx-debian.html;
\tserver_name ${o.host};
\tlocation / {
\t\ttry_files $uri $uri/ =404;
\t}
\tlocation ~ \\.php$ {
\t\tinclude snippets/fastcgi-php.conf;
\t\tfastcgi_pass unix:${o.socket};
\t}
}
`;
}

/** The nginx master's child processes as ps shows them (one line each). */
function nginxWorkers(nginx: PrivateNginx): string {
  const pid = readFileSync(path.join(nginx.prefix, 'nginx.pid'), 'utf8').trim();
  try {
    return execFileSync('ps', ['--ppid', pid, '-o', 'args='], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // ps exits 1 when there is none
  }
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const tb = ctx.testbed;
  const web1 = tb.ssh.web1;
  const tag = randomBytes(3).toString('hex');
  const site = `phpb${tag}`;
  const hdHost = `${site}.bench.test`;
  const wwwHost = `www-${tag}.bench.test`;
  const urlPath = '/bench.php';

  // ---- the bench's nginx (Debian's snippets reachable from its prefix) and php-fpm with the www pool
  const nginx = await startPrivateNginx(ctx, name, { accessLog: true });
  symlinkSync('/etc/nginx/snippets', path.join(nginx.prefix, 'snippets'));
  symlinkSync('/etc/nginx/fastcgi.conf', path.join(nginx.prefix, 'fastcgi.conf'));
  const wwwSocket = path.join(ctx.tmpDir, 'php-fpm', 'run', 'www.sock');
  const fpm = await startPrivateFpm(ctx, { file: 'www.conf', text: debianWwwPool(tb.php.version, wwwSocket), socket: wwwSocket });
  // The www pool runs as www-data: its web root must be reachable (mkdtemp made tmpDir 0700).
  chmodSync(ctx.tmpDir, 0o755);
  const wwwRoot = path.join(ctx.tmpDir, 'www', 'html');
  mkdirSync(wwwRoot, { recursive: true });
  writeFileSync(path.join(wwwRoot, 'bench.php'), PAGE, { mode: 0o644 });
  const wwwBlock = path.join(nginx.sitesDir, 'debian-default-php.conf');
  writeFileSync(wwwBlock, debianServerBlock({ listen: `${nginx.host}:${nginx.port}`, host: wwwHost, root: wwwRoot, socket: wwwSocket }));
  execFileSync('nginx', ['-p', nginx.prefix, '-c', nginx.conf, '-s', 'reload'], { stdio: ['ignore', 'ignore', 'pipe'] });

  // ---- Hostdeck: the site, its domain and PHP through the core and the queue
  const home = path.join(ctx.tmpDir, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
  const { call } = await benchCore(ctx, home);
  const server = await call<Server>('servers.add', { name: 'web1', host: web1.host, port: web1.port, user: 'root', auth: { method: 'key', keyPath: tb.keys.ed25519.path }, roles: ['web'], tags: [] });
  const serverId = server.id;
  const settings = {
    ftp: { passwdFile: tb.ftp.passwdFile, dbFile: tb.ftp.dbFile },
    web: { vhostDir: nginx.sitesDir, nginxConf: nginx.conf, listen: `${nginx.host}:${nginx.port}`, suspendedDir: `${nginx.prefix}/suspended` },
    mysql: { socket: tb.mariadb.socket, defaultsFile: null },
    // Debian's layout moved to the bench's master; the values a site gets are the shipped defaults.
    php: { ...DEFAULT_PHP_SETTINGS, poolDir: fpm.poolsDir, fpmConf: fpm.conf, reload: 'pidfile', pidFile: fpm.pidFile, socketDir: fpm.socketDir },
  };
  await call('hosting.setSettings', { serverId, ...settings });

  let siteCreated = false;
  let tornDown = false;
  const teardown = async () => {
    if (tornDown) return;
    tornDown = true;
    if (siteCreated) await deleteSiteThroughHostdeck(ctx, call, serverId, site);
    rmSync(wwwBlock, { force: true });
    rmSync(path.join(fpm.poolsDir, 'www.conf'), { force: true });
    await fpm.stop();
    nginx.stop();
    // Left only when Hostdeck's removal failed (its pool's processes ended with the master).
    removeSiteByHand(site);
  };
  ctx.defer(teardown);

  try {
    const created = await call<{ site: SiteRecord; tasks: Task[] }>('hosting.createSite', { serverId, name: site, quotaMb: 0, domains: [hdHost] });
    siteCreated = true;
    const { installed } = await call<{ installed: { version: string }[] }>('hosting.phpVersions', { serverId });
    const version = installed.find((v) => v.version === fpm.version)?.version;
    if (!version) throw new Error(`hosting.phpVersions did not find PHP ${fpm.version}: ${JSON.stringify(installed)}`);
    const { settings: stored } = await call<{ settings: HostingSettings }>('hosting.sites', { serverId });
    const values = stored.php!.defaults;
    const on = await call<{ tasks: Task[] }>('hosting.setPhp', { serverId, site, version, values, extras: [] });
    await settledDone(call, serverId, 'creating the site and turning PHP on');
    ctx.log(`Hostdeck: ${[...created.tasks, ...on.tasks].map((x) => x.kind).join(', ')} done; PHP ${version} with ${JSON.stringify(values)}`);
    const pagePath = `/home/${site}/public_html/bench.php`;
    writeFileSync(pagePath, PAGE, { mode: 0o644 });
    execFileSync('chown', [`${site}:`, pagePath]);

    // ---- cold: the first request of each pool since the master (re)started (setPhp reloaded it).
    // After a reload an old nginx worker may still take a connection for a moment: wait until the
    // master has its one new worker only, then a missing .php answering 404 (its try_files) shows
    // both PHP locations are live without a request reaching either pool.
    await waitFor('nginx to retire its old workers', () => nginxWorkers(nginx) === 'nginx: worker process', { timeoutMs: 10_000, intervalMs: 50 });
    for (const host of [hdHost, wwwHost]) {
      const r = await get(nginx, host, '/missing.php');
      if (r.status !== 404) throw new Error(`${host}/missing.php answered ${r.status}, not the 404 of a PHP location: ${r.body.slice(0, 300)}`);
    }
    const firstOf = async (host: string, what: string) => {
      const r = await get(nginx, host, urlPath);
      if (r.status !== 200 || !r.body.includes(PAGE_MARK)) throw new Error(`${what} (${host}) answered ${r.status}: ${r.body.slice(0, 300)}`);
      return r.ms;
    };
    const coldHd = await firstOf(hdHost, 'Hostdeck\'s site');
    const coldWww = await firstOf(wwwHost, 'the www pool');
    ctx.log(`first request after the master started: Hostdeck ${coldHd.toFixed(1)} ms, www ${coldWww.toFixed(1)} ms`);

    // ---- steady load, alternating A B B A …
    const url = `http://${nginx.host}:${nginx.port}${urlPath}`;
    const sides = { hostdeck: hdHost, www: wwwHost } as const;
    const runs = { hostdeck: [] as Run[], www: [] as Run[] };
    // Both pools run in one master, the idle side's share of it is next to nothing.
    const cpu = (): [number, number, number] => {
      const f = daemonCpu(fpm.pidFile);
      const n = daemonCpu(path.join(nginx.prefix, 'nginx.pid'));
      return [f.master, f.processes, n.master + n.processes];
    };
    for (let round = 0; round < ROUNDS; round++) {
      const order: (keyof typeof sides)[] = round % 2 === 0 ? ['hostdeck', 'www'] : ['www', 'hostdeck'];
      for (const side of order) {
        wrk(url, sides[side], WARM_S);
        const cpu0 = cpu();
        const w = wrk(url, sides[side], SECONDS);
        const split = cpu().map((x, i) => ((x - cpu0[i]!) / w.requests) * 1e6) as [number, number, number];
        const r = { ...w, split, cpuUs: split[0] + split[1] + split[2] };
        runs[side].push(r);
        ctx.log(`round ${round + 1} ${side}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.cpuUs.toFixed(0)} us CPU/request (php-fpm master ${r.split[0].toFixed(1)}, pool ${r.split[1].toFixed(0)}, nginx ${r.split[2].toFixed(0)}; ${r.requests} requests; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
      }
    }
    const rps = { hostdeck: median(runs.hostdeck.map((r) => r.rps)), www: median(runs.www.map((r) => r.rps)) };
    const p99 = { hostdeck: median(runs.hostdeck.map((r) => r.p99)), www: median(runs.www.map((r) => r.p99)) };
    const cpuUs = { hostdeck: median(runs.hostdeck.map((r) => r.cpuUs)), www: median(runs.www.map((r) => r.cpuUs)) };
    const splitOf = (side: keyof typeof runs) => [0, 1, 2].map((i) => median(runs[side].map((r) => r.split[i]!)).toFixed(1)).join(' / ');
    ctx.log(`CPU µs per request, medians, php-fpm master / pool processes / nginx: Hostdeck ${splitOf('hostdeck')}, www ${splitOf('www')}`);

    // ---- after the idle timeout: Hostdeck's ondemand processes have ended, www's still wait
    await sleep((values.idleTimeout + 2) * 1000);
    const idleHd = await firstOf(hdHost, 'Hostdeck\'s site after idling');
    const idleWww = await firstOf(wwwHost, 'the www pool after idling');
    ctx.log(`first request after ${values.idleTimeout + 2} s idle: Hostdeck ${idleHd.toFixed(1)} ms, www ${idleWww.toFixed(1)} ms`);

    const peerName = "Debian's shared www pool as shipped (pm = dynamic) behind a server block like Debian's default site (snippets/fastcgi-php.conf)";
    const load = `wrk ${THREADS} threads, ${CONNECTIONS} connections`;
    return [
      entry({ name, metric: `requests/s of a small PHP page through nginx and the site's pool (${load}, ${SECONDS} s after ${WARM_S} s warm-up; median of ${ROUNDS} alternating runs)`, unit: 'req/s', hostdeck: rps.hostdeck, peer: rps.www, peerName, goal: '>= 0.9' }),
      entry({ name, metric: `CPU per request of php-fpm (master and pool processes) and nginx under the same load (median of ${ROUNDS} runs; steadier than req/s on a shared machine)`, unit: 'us', hostdeck: cpuUs.hostdeck, peer: cpuUs.www, peerName, goal: 'info' }),
      entry({ name, metric: `p99 latency under the same load (median of ${ROUNDS} runs)`, unit: 'ms', hostdeck: p99.hostdeck, peer: p99.www, peerName, goal: 'info' }),
      entry({ name, metric: 'first request after php-fpm (re)started, page not yet compiled (Hostdeck\'s ondemand pool starts a process for it)', unit: 'ms', hostdeck: coldHd, peer: coldWww, peerName, goal: 'info' }),
      entry({ name, metric: `first request after ${values.idleTimeout + 2} s idle (past the pool's ${values.idleTimeout} s idle timeout: its processes have ended)`, unit: 'ms', hostdeck: idleHd, peer: idleWww, peerName, goal: 'info' }),
    ];
  } finally {
    await teardown();
  }
}
