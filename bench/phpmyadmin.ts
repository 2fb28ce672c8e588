// phpMyAdmin as the database browser's benchmark peer (not started by `npm test`; benches only).
//
//   startPhpMyAdmin(testbed) -> { url, stop() }   Debian's phpMyAdmin (apt-get installs it when
//       missing) on a private php-fpm and a private nginx, everything under .testbed/pma/,
//       http://127.0.0.1:8081/, logged in to the testbed's MariaDB as its admin (auth_type config).
//   measurePhpMyAdmin(pma) -> PmaTimings          the four browse figures, in Chromium, through
//       phpMyAdmin's own AJAX navigation, each timed in the page and from the automation's action.
//
//   npx tsx bench/phpmyadmin.ts [runs]            (testbed running): start, check, measure, stop.
//
// Configuration: Debian's /etc/phpmyadmin/config.inc.php includes /etc/phpmyadmin/conf.d/*.php last.
// While running, conf.d/hostdeck-bench.php is there: it includes the file named by the FastCGI
// parameter HOSTDECK_PMA_CONFIG, which only our nginx sends (so any other phpMyAdmin on the
// machine is unaffected); stop() removes it. Settings are Debian's/phpMyAdmin's defaults except
// for the login, TempDir and the version check (see pmaConfig); the page size of PMA_MAX_ROWS is
// chosen in phpMyAdmin's own menu, as a user does. php-fpm: Debian's php.ini (production, OPcache
// on), pm = static (4 workers).
import * as fs from 'node:fs';
import * as net from 'node:net';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadTestbed, type TestbedInfo } from '../testbed/testbed';
import { ensureDaemon, ensureDir, p, randomPassword, run, stopByPidFile, writeIfChanged } from '../testbed/util';
import { privateNginxConf } from '../testbed/nginx';
import { timeAction, type Timing } from './in-page-timer';
import { median } from './lib';

export const PMA_HOST = '127.0.0.1';
export const PMA_PORT = 8081;
/** Rows per page in phpMyAdmin for the measurements (its "Number of rows" menu; the default is 25). */
export const PMA_MAX_ROWS = 100;
const PMA_ROOT = '/usr/share/phpmyadmin';
const CONF_D_HOOK = '/etc/phpmyadmin/conf.d/hostdeck-bench.php';

export interface PhpMyAdminHandle {
  /** http://127.0.0.1:8081 (no trailing slash) */
  url: string;
  /** Page size the measurements choose in phpMyAdmin's menu. */
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
  log(`phpMyAdmin ${version} at ${url}`);
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

/** The rows of a results grid. */
const RESULT_ROWS = 'table.table_results tbody tr';

export type Scenario = 'firstPage' | 'pageAt900k' | 'sortUnindexed' | 'likeFilter';
export type Samples = Record<Scenario, Timing[]>;

export interface PmaTimings {
  /** Medians, ms. */
  inPage: Record<Scenario, number>;
  outside: Record<Scenario, number>;
  /** The first row of the page phpMyAdmin's page selector offers nearest row 900,000. */
  deepRow: number;
  runs: number;
  samples: Samples;
}

/** The rows phpMyAdmin rendered: the cells of each row of the results grid (no action links). */
export async function renderedRows(page: Page): Promise<string[][]> {
  return page.$$eval(RESULT_ROWS, (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td.data')).map((td) => (td.textContent ?? '').trim())));
}

/**
 * Let the page finish its background requests first (phpMyAdmin loads its navigation tree, recent
 * tables etc. after a page; they hold the PHP session lock, which the next request would wait for).
 */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => {});
  await page.waitForFunction(() => !(window as unknown as { AJAX?: { active: boolean } }).AJAX?.active, undefined, { timeout: 30_000 }).catch(() => {});
}

/** Waits for a results table that was not there when `mark` ran, with rows. */
async function markTables(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('table.table_results').forEach((t) => t.setAttribute('data-bench-seen', '')));
}
async function newRows(page: Page): Promise<void> {
  await page.waitForSelector('table.table_results:not([data-bench-seen]) tbody tr td', { state: 'attached', timeout: 60_000 });
  await settle(page);
}

/**
 * The browse figures, phpMyAdmin driven as its users drive it, with its default
 * settings and its own AJAX navigation (no full page loads in what is timed), in Chromium:
 *   - first page: on the database's structure page, a click on the table in the navigation tree;
 *   - page at row 900,000: from the first page, the page selector set to the page it offers
 *     nearest row 900,000 (with 100 rows a page, 9012: rows from 901,101);
 *   - sort by the unindexed email: from the first page, a click on its column header (undone
 *     afterwards with Ctrl+click, phpMyAdmin's way, untimed: the default RememberSorting would
 *     sort every later browse too);
 *   - LIKE on email: the table's Search tab, operator LIKE, value '%grace.77%', Go.
 * Page size 100 like Hostdeck's, chosen once in the "Number of rows" menu (the session keeps it;
 * the default is 25). Each figure twice: in the page (bench/in-page-timer.ts) and from the
 * automation's action. One warm-up round, then `runs` rounds (the four interleaved); medians.
 */
export async function measurePhpMyAdmin(pma: Pick<PhpMyAdminHandle, 'url'>, opts: { runs?: number; log?: (line: string) => void } = {}): Promise<PmaTimings> {
  const runs = opts.runs ?? 7;
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    const ordersInTree = page.locator('#pma_navigation_tree a[href*="db=shop"][href*="table=orders"][title="Browse"]');
    // Session: the page size, once, in the menu of the browse page.
    await page.goto(`${pma.url}/index.php?route=/sql&server=1&db=shop&table=orders&pos=0`, { waitUntil: 'load' });
    await settle(page);
    await markTables(page);
    await page.locator('#sessionMaxRowsSelect').first().selectOption(String(PMA_MAX_ROWS));
    await newRows(page);
    const perPage = (await renderedRows(page)).length;
    if (perPage !== PMA_MAX_ROWS) throw new Error(`phpMyAdmin shows ${perPage} rows a page, not ${PMA_MAX_ROWS}`);

    /** The first page of shop.orders, reached as a user does (a click in the navigation tree); untimed. */
    const browseFirstPage = async () => {
      await markTables(page);
      await ordersInTree.click();
      await newRows(page);
    };
    let deepRow = 0;
    const scenarios: Record<Scenario, () => Promise<Timing>> = {
      firstPage: async () => {
        await page.goto(`${pma.url}/index.php?route=/database/structure&server=1&db=shop`, { waitUntil: 'load' });
        await settle(page);
        const t = await timeAction(page, { kind: 'pma' }, () => ordersInTree.click());
        await settle(page);
        return t;
      },
      pageAt900k: async () => {
        await browseFirstPage();
        const selector = page.locator('select.pageselector').first();
        const offered = await selector.locator('option').evaluateAll((os) => os.map((o) => Number((o as HTMLOptionElement).value)));
        const pos = offered.reduce((best, v) => (Math.abs(v - 899_999) < Math.abs(best - 899_999) ? v : best));
        deepRow = pos + 1;
        const t = await timeAction(page, { kind: 'pma' }, () => selector.selectOption(String(pos)));
        await settle(page);
        const first = (await renderedRows(page))[0]?.[0];
        if (Number(first) < 800_000) throw new Error(`phpMyAdmin's page at ${pos} starts at id ${first}`);
        return t;
      },
      sortUnindexed: async () => {
        await browseFirstPage();
        const header = page.locator('th[data-column=email] a.sortlink').first();
        const t = await timeAction(page, { kind: 'pma' }, () => header.click());
        await settle(page);
        const emails = (await renderedRows(page)).map((r) => r[2] ?? '');
        if (emails.join('\n') !== [...emails].sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : 0)).join('\n')) throw new Error(`phpMyAdmin's sorted page is not sorted by email: ${emails.slice(0, 3).join(', ')}`);
        await markTables(page);
        await page.locator('th[data-column=email] a.sortlink').first().click({ modifiers: ['Control'] });
        await newRows(page);
        return t;
      },
      likeFilter: async () => {
        await browseFirstPage();
        await page.locator('#topmenu a', { hasText: 'Search' }).first().click();
        await page.locator('#tbl_search_form #ColumnOperator2').waitFor();
        await settle(page);
        await page.locator('#ColumnOperator2').selectOption('LIKE');
        await page.locator('#fieldID_2').fill('%grace.77%');
        const t = await timeAction(page, { kind: 'pma' }, () => page.locator('#tbl_search_form input[type=submit][value=Go]').click());
        await settle(page);
        const emails = (await renderedRows(page)).map((r) => r[2] ?? '');
        if (!emails.length || emails.some((e) => !e.includes('grace.77'))) throw new Error(`phpMyAdmin's LIKE page shows other rows: ${emails.slice(0, 3).join(', ')}`);
        return t;
      },
    };
    const samples: Samples = { firstPage: [], pageAt900k: [], sortUnindexed: [], likeFilter: [] };
    for (let round = -1; round < runs; round++) {
      for (const [k, f] of Object.entries(scenarios) as [Scenario, () => Promise<Timing>][]) {
        const t = await f();
        if (round >= 0) samples[k].push(t);
      }
    }
    const med = (pick: (t: Timing) => number) => Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v.map(pick))])) as Record<Scenario, number>;
    const t: PmaTimings = { inPage: med((x) => x.inPage), outside: med((x) => x.outside), deepRow, runs, samples };
    const show = (m: Record<Scenario, number>) => (Object.keys(m) as Scenario[]).map((k) => `${k} ${m[k].toFixed(0)} ms`).join(', ');
    opts.log?.(`phpMyAdmin (median of ${runs}, ${PMA_MAX_ROWS} rows/page; deep page from row ${deepRow}): in the page ${show(t.inPage)}; from the action ${show(t.outside)}`);
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
    for (const [k, v] of Object.entries(t.samples)) log(`  ${k}: in the page ${v.map((x) => x.inPage.toFixed(0)).join(' ')}; from the action ${v.map((x) => x.outside.toFixed(0)).join(' ')}`);
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
