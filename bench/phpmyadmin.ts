// phpMyAdmin as the database browser's benchmark peer (not started by `npm test`; benches only).
//
//   startPhpMyAdmin(testbed) -> { url, stop() }   Debian's phpMyAdmin (apt-get installs it when
//       missing) on a private php-fpm and a private nginx, everything under .testbed/pma/,
//       http://127.0.0.1:8081/, logged in to the testbed's MariaDB as its admin (auth_type config).
//   measurePhpMyAdmin(pma) -> PmaTimings          DESIGN.md's four figures, in Chromium.
//
//   npx tsx bench/phpmyadmin.ts [runs]            (testbed running): start, check, measure, stop.
//
// Configuration: Debian's /etc/phpmyadmin/config.inc.php includes /etc/phpmyadmin/conf.d/*.php last.
// While running, conf.d/hostdeck-bench.php is there: it includes the file named by the FastCGI
// parameter HOSTDECK_PMA_CONFIG, which only our nginx sends (so any other phpMyAdmin on the
// machine is unaffected); stop() removes it. Settings are Debian's/phpMyAdmin's defaults except
// for the login, TempDir, MaxRows = PMA_MAX_ROWS (the page size Hostdeck shows; phpMyAdmin's
// default is 25) and RememberSorting = false (see pmaConfig). php-fpm: Debian's php.ini (production, OPcache on), pm = static (4 workers).
import * as fs from 'node:fs';
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadTestbed, type TestbedInfo } from '../test/servers/testbed';
import { ensureDaemon, ensureDir, p, randomPassword, run, stopByPidFile, writeIfChanged } from '../test/servers/util';
import { privateNginxConf } from '../test/servers/nginx';
import { median } from './lib';

export const PMA_HOST = '127.0.0.1';
export const PMA_PORT = 8081;
/** Rows per page in phpMyAdmin for the measurements ($cfg['MaxRows']; phpMyAdmin's default is 25). */
export const PMA_MAX_ROWS = 100;
const PMA_ROOT = '/usr/share/phpmyadmin';
const CONF_D_HOOK = '/etc/phpmyadmin/conf.d/hostdeck-bench.php';

export interface PhpMyAdminHandle {
  /** http://127.0.0.1:8081 (no trailing slash) */
  url: string;
  /** Page size configured ($cfg['MaxRows']). */
  maxRows: number;
  /** e.g. "5.2.1deb1+deb12u1" */
  version: string;
  stop(): Promise<void>;
}

function paths() {
  const dir = p('pma');
  return {
    dir,
    fpmConf: `${dir}/php-fpm.conf`,
    fpmPid: `${dir}/php-fpm.pid`,
    fpmLog: `${dir}/php-fpm.log`,
    sock: `${dir}/php-fpm.sock`,
    nginxConf: `${dir}/nginx.conf`,
    nginxPid: `${dir}/nginx.pid`,
    nginxLog: `${dir}/nginx-error.log`,
    pmaConfig: `${dir}/config.inc.php`,
    tmp: `${dir}/tmp`,
    sessions: `${dir}/sessions`,
  };
}

// ---- packages --------------------------------------------------------------------------------

function phpFpmBinary(): string | null {
  const found = fs.readdirSync('/usr/sbin').filter((f) => /^php-fpm\d+\.\d+$/.test(f)).sort();
  return found.length ? `/usr/sbin/${found[found.length - 1]}` : null;
}

/** apt-get install phpmyadmin + php-fpm when missing, with dbconfig and the web server setup declined. */
export async function ensurePhpMyAdminPackages(log: (line: string) => void = () => {}): Promise<void> {
  if (fs.existsSync(`${PMA_ROOT}/index.php`) && phpFpmBinary() && fs.existsSync('/etc/phpmyadmin/config.inc.php')) return;
  log('installing phpmyadmin and php-fpm (apt-get)');
  await run('debconf-set-selections', [], {
    input: ['phpmyadmin phpmyadmin/dbconfig-install boolean false', 'phpmyadmin phpmyadmin/reconfigure-webserver multiselect', ''].join('\n'),
  });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'php-fpm', 'phpmyadmin', 'dbconfig-no-thanks'], { env, timeoutMs: 600_000 });
  try {
    await install();
  } catch {
    await run('apt-get', ['update', '-q'], { env, timeoutMs: 300_000 });
    await install();
  }
  if (!phpFpmBinary() || !fs.existsSync(`${PMA_ROOT}/index.php`)) throw new Error('phpmyadmin/php-fpm not installed as expected');
}

// ---- config files ----------------------------------------------------------------------------

const phpStr = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function pmaConfig(tb: TestbedInfo): string {
  const ps = paths();
  const m = tb.mariadb;
  return `<?php
// Written by bench/phpmyadmin.ts; included by ${CONF_D_HOOK} for our nginx only.
$cfg['Servers'][1] = [
    'verbose' => 'testbed',
    'auth_type' => 'config',
    'host' => ${phpStr(m.host)},
    'port' => ${phpStr(String(m.port))},
    'connect_type' => 'tcp',
    'user' => ${phpStr(m.adminUser)},
    'password' => ${phpStr(m.adminPassword)},
    'compress' => false,
    'AllowNoPassword' => false,
];
$cfg['ServerDefault'] = 1;
$cfg['blowfish_secret'] = ${phpStr(randomPassword(32))};
$cfg['TempDir'] = ${phpStr(ps.tmp)};
$cfg['MaxRows'] = ${PMA_MAX_ROWS};
// Default true: a sort sticks to the table for the session, and every later browse or query of it
// would be sorted by email too (the four measurements must not leak into each other).
$cfg['RememberSorting'] = false;
$cfg['VersionCheck'] = false;
$cfg['SendErrorReports'] = 'never';
`;
}

function fpmConf(): string {
  const ps = paths();
  return `; Written by bench/phpmyadmin.ts
[global]
pid = ${ps.fpmPid}
error_log = ${ps.fpmLog}
daemonize = yes

[pma]
user = root
group = root
listen = ${ps.sock}
listen.mode = 0600
pm = static
pm.max_children = 4
catch_workers_output = yes
php_admin_value[session.save_path] = ${ps.sessions}
php_admin_value[upload_tmp_dir] = ${ps.tmp}
php_admin_value[sys_temp_dir] = ${ps.tmp}
php_admin_flag[log_errors] = on
php_admin_value[error_log] = ${ps.dir}/php-errors.log
`;
}

function nginxConf(): string {
  const ps = paths();
  return privateNginxConf({
    header: 'Written by bench/phpmyadmin.ts',
    dir: ps.dir,
    pid: ps.nginxPid,
    errorLog: `${ps.nginxLog} warn`,
    accessLog: `${ps.dir}/access.log`,
    tmp: ps.tmp,
    http: `  # as Debian's nginx.conf
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  gzip on;

  server {
    listen ${PMA_HOST}:${PMA_PORT};
    server_name _;
    root ${PMA_ROOT};
    index index.php;
    location / { try_files $uri $uri/ =404; }
    location ~ ^/(libraries|templates|setup/lib)/ { deny all; }
    location ~ \\.php$ {
      # Debian's snippets/fastcgi-php.conf, with absolute paths (includes resolve against our prefix).
      fastcgi_split_path_info ^(.+?\\.php)(/.*)$;
      try_files $fastcgi_script_name =404;
      set $path_info $fastcgi_path_info;
      fastcgi_param PATH_INFO $path_info;
      fastcgi_index index.php;
      include /etc/nginx/fastcgi.conf;
      fastcgi_param HOSTDECK_PMA_CONFIG ${ps.pmaConfig};
      fastcgi_pass unix:${ps.sock};
    }
  }`,
  });
}

const HOOK = `<?php
// Written by Hostdeck's bench (bench/phpmyadmin.ts) while its phpMyAdmin runs; removed when it stops.
// Does nothing unless the request came through that bench's nginx (FastCGI parameter below).
if (!empty($_SERVER['HOSTDECK_PMA_CONFIG']) && is_file($_SERVER['HOSTDECK_PMA_CONFIG'])) {
    include $_SERVER['HOSTDECK_PMA_CONFIG'];
}
`;

// ---- start / stop ----------------------------------------------------------------------------

function probeUnix(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const text = await r.text();
    return r.ok && text.includes('phpMyAdmin');
  } catch {
    return false;
  }
}

/** Stop what startPhpMyAdmin started (also after a crash: pid files) and remove the conf.d hook. */
export async function stopPhpMyAdmin(): Promise<void> {
  const ps = paths();
  await Promise.allSettled([stopByPidFile(ps.nginxPid, ps.nginxConf), stopByPidFile(ps.fpmPid, ps.fpmConf)]);
  fs.rmSync(CONF_D_HOOK, { force: true });
  fs.rmSync(ps.sock, { force: true });
}

export async function startPhpMyAdmin(testbed: TestbedInfo, log: (line: string) => void = () => {}): Promise<PhpMyAdminHandle> {
  await ensurePhpMyAdminPackages(log);
  const fpm = phpFpmBinary()!;
  const ps = paths();
  await stopPhpMyAdmin(); // leftovers of an earlier run: start from scratch
  ensureDir(ps.dir, 0o700);
  for (const d of [ps.tmp, ps.sessions]) ensureDir(d, 0o700);
  for (const f of ['access.log', 'php-errors.log', 'php-fpm.log', 'nginx-error.log']) fs.rmSync(`${ps.dir}/${f}`, { force: true });
  writeIfChanged(ps.pmaConfig, pmaConfig(testbed), 0o600);
  writeIfChanged(ps.fpmConf, fpmConf(), 0o600);
  writeIfChanged(ps.nginxConf, nginxConf(), 0o600);
  ensureDir('/etc/phpmyadmin/conf.d');
  fs.writeFileSync(CONF_D_HOOK, HOOK, { mode: 0o644 });
  const url = `http://${PMA_HOST}:${PMA_PORT}`;
  try {
    await ensureDaemon({
      name: 'php-fpm (phpMyAdmin)',
      pidFile: ps.fpmPid,
      match: ps.fpmConf,
      logFile: ps.fpmLog,
      probe: () => probeUnix(ps.sock),
      prepare: async () => fs.rmSync(ps.sock, { force: true }),
      launch: async () => {
        await run(fpm, ['--allow-to-run-as-root', '--fpm-config', ps.fpmConf]);
      },
    });
    await ensureDaemon({
      name: 'nginx (phpMyAdmin)',
      pidFile: ps.nginxPid,
      match: ps.nginxConf,
      logFile: ps.nginxLog,
      probe: () => httpOk(`${url}/index.php`),
      prepare: async () => {},
      launch: async () => {
        await run('/usr/sbin/nginx', ['-p', `${ps.dir}/`, '-c', ps.nginxConf, '-e', ps.nginxLog]);
      },
      timeoutMs: 30_000,
    });
  } catch (e) {
    await stopPhpMyAdmin();
    throw e;
  }
  let version = '?';
  try {
    version = /VERSION\s*=\s*'([^']+)'/.exec(fs.readFileSync(`${PMA_ROOT}/libraries/classes/Version.php`, 'utf8'))?.[1] ?? '?';
  } catch {
    /* layout differs */
  }
  log(`phpMyAdmin ${version} at ${url} (MaxRows ${PMA_MAX_ROWS})`);
  return { url, maxRows: PMA_MAX_ROWS, version, stop: stopPhpMyAdmin };
}

// ---- measurements ----------------------------------------------------------------------------

/** Same Chromium and flags as the e2e tests (test/e2e/app.ts). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** The results grid of /sql with at least one row. */
const RESULT_ROWS = 'table.table_results tbody tr';

export interface PmaTimings {
  /** Browse shop.orders, first page (ms, median). */
  firstPage: number;
  /** Browse shop.orders at pos=900000. */
  pageAt900k: number;
  /** SELECT * FROM orders ORDER BY email (unindexed), first page. */
  sortUnindexed: number;
  /** SELECT * FROM orders WHERE email LIKE '%grace.77%', first page. */
  likeFilter: number;
  pageSize: number;
  runs: number;
  samples: Record<'firstPage' | 'pageAt900k' | 'sortUnindexed' | 'likeFilter', number[]>;
}

export const PMA_SORT_SQL = 'SELECT * FROM `orders` ORDER BY `email` ASC';
export const PMA_LIKE_SQL = "SELECT * FROM `orders` WHERE `email` LIKE '%grace.77%'";

/** The rows phpMyAdmin rendered: the cells of each row of the results grid (no action links). */
export async function renderedRows(page: Page): Promise<string[][]> {
  return page.$$eval(RESULT_ROWS, (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td.data')).map((td) => (td.textContent ?? '').trim())));
}

async function token(page: Page): Promise<string> {
  const t = await page.evaluate(() => {
    const w = window as unknown as { CommonParams?: { get(k: string): string } };
    return w.CommonParams?.get('token') ?? document.querySelector<HTMLInputElement>('input[name=token]')?.value ?? '';
  });
  if (!t) throw new Error('phpMyAdmin: no token on the page');
  return t;
}

/**
 * Let the previous page finish its background requests first (phpMyAdmin loads its navigation
 * tree etc. after the load event; they hold the PHP session lock, which the next page would wait for).
 */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => {});
}

/** A full page load of phpMyAdmin's /sql (browse), timed from navigation start to the grid's rows. */
async function timeGet(page: Page, url: string): Promise<number> {
  await settle(page);
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector(RESULT_ROWS, { state: 'attached', timeout: 60_000 });
  return performance.now() - t0;
}

/**
 * A query typed into phpMyAdmin's SQL box and sent (a form POST to /sql: a full page load, as
 * with JavaScript off), timed from the submit to the grid's rows. phpMyAdmin adds the LIMIT.
 */
async function timePost(page: Page, base: string, sql: string): Promise<number> {
  await settle(page);
  const tok = await token(page);
  const t0 = performance.now();
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: 60_000 }),
    page.evaluate(
      ({ action, fields }) => {
        const f = document.createElement('form');
        f.method = 'post';
        f.action = action;
        for (const [k, v] of Object.entries(fields)) {
          const i = document.createElement('input');
          i.type = 'hidden';
          i.name = k;
          i.value = v;
          f.appendChild(i);
        }
        document.body.appendChild(f);
        f.submit();
      },
      { action: `${base}/index.php?route=/sql`, fields: { db: 'shop', table: 'orders', sql_query: sql, token: tok, server: '1' } },
    ),
  ]);
  await page.waitForSelector(RESULT_ROWS, { state: 'attached', timeout: 60_000 });
  return performance.now() - t0;
}

/**
 * DESIGN.md's phpMyAdmin figures: Chromium, page loaded (load event and the results grid there):
 * first page of shop.orders, the page at row 900,000, sorted by the unindexed email, filtered with
 * LIKE on email. One warm-up round, then `runs` rounds (the four interleaved); medians in ms.
 */
export async function measurePhpMyAdmin(pma: Pick<PhpMyAdminHandle, 'url'>, opts: { runs?: number; log?: (line: string) => void } = {}): Promise<PmaTimings> {
  const runs = opts.runs ?? 7;
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    const browse = (pos: number) => `${pma.url}/index.php?route=/sql&server=1&db=shop&table=orders&pos=${pos}`;
    const scenarios = {
      firstPage: () => timeGet(page, browse(0)),
      pageAt900k: () => timeGet(page, browse(900_000)),
      sortUnindexed: () => timePost(page, pma.url, PMA_SORT_SQL),
      likeFilter: () => timePost(page, pma.url, PMA_LIKE_SQL),
    };
    const samples = { firstPage: [] as number[], pageAt900k: [] as number[], sortUnindexed: [] as number[], likeFilter: [] as number[] };
    await page.goto(browse(0), { waitUntil: 'load' }); // session, token, caches
    for (let round = -1; round < runs; round++) {
      for (const [k, f] of Object.entries(scenarios) as [keyof typeof samples, () => Promise<number>][]) {
        const ms = await f();
        if (round >= 0) samples[k].push(ms);
      }
    }
    const t: PmaTimings = {
      firstPage: median(samples.firstPage),
      pageAt900k: median(samples.pageAt900k),
      sortUnindexed: median(samples.sortUnindexed),
      likeFilter: median(samples.likeFilter),
      pageSize: PMA_MAX_ROWS,
      runs,
      samples,
    };
    opts.log?.(`phpMyAdmin (median of ${runs}, ${PMA_MAX_ROWS} rows/page): first page ${t.firstPage.toFixed(0)} ms, page at 900,000 ${t.pageAt900k.toFixed(0)} ms, sort by email ${t.sortUnindexed.toFixed(0)} ms, LIKE on email ${t.likeFilter.toFixed(0)} ms`);
    return t;
  } finally {
    await browser.close();
  }
}

/** Load the page at row 900,000 and return what it shows (a check that phpMyAdmin really works). */
export async function checkPhpMyAdmin(pma: Pick<PhpMyAdminHandle, 'url'>): Promise<{ rows: string[][]; title: string }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${pma.url}/index.php?route=/sql&server=1&db=shop&table=orders&pos=900000`, { waitUntil: 'load' });
    await page.waitForSelector(RESULT_ROWS, { state: 'attached', timeout: 60_000 });
    return { rows: await renderedRows(page), title: await page.title() };
  } finally {
    await browser.close();
  }
}

// ---- npx tsx bench/phpmyadmin.ts [runs] --------------------------------------------------------

async function main(): Promise<void> {
  const log = (line: string) => console.log(`[phpmyadmin] ${line}`);
  const tb = loadTestbed();
  const pma = await startPhpMyAdmin(tb, log);
  try {
    const check = await checkPhpMyAdmin(pma);
    log(`pos=900000: ${check.rows.length} rows, first ${JSON.stringify(check.rows[0])} (${check.title})`);
    const t = await measurePhpMyAdmin(pma, { runs: Number(process.argv[2] ?? 7), log });
    for (const [k, v] of Object.entries(t.samples)) log(`  ${k}: ${v.map((x) => x.toFixed(0)).join(' ')}`);
  } finally {
    await pma.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
