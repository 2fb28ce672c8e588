// Deploying an application into a working site: a ~50 MB tar.gz (a small PHP app: config.php with
// the database placeholders, index.php showing one row; plus random, incompressible assets) and
// a ~100 MB SQL dump (mariadb-dump of a generated table of 540,000 rows), both made by the bench
// on the workstation, timed from the first byte sent until the site answers through nginx with
// the row from its database.
//   - Hostdeck: a real core (fresh data dir, web1 as root with the testbed key) makes the site
//     (domain, PHP, two databases) through the queue and opens its files (files.open: the login
//     as the site's user, as the file manager does when its tab opens), all before the clock;
//     timed: the calls the window makes — both files uploaded into the staging folder with the
//     file manager (files.treeBegin/treeAdd/treeFinish: several files picked go as one tar
//     stream), deploy.run (staged archive, target folder, database, dump, config.php as the
//     placeholder file), the queue settled, then GETs of the page until it shows the row.
//   - peer: what an expert does by hand, through one persistent OpenSSH connection
//     (ControlMaster, opened before the clock) logged in as the site's user (a key of the
//     bench's in the site's authorized_keys, `restrict` and a short `expiry-time`, as Hostdeck's
//     own site login does): `scp` of the archive and the dump (one command), then one `ssh`
//     running `tar -xzf` into the web root, `mariadb` importing the dump as the database's user
//     (its password known to the peer), `sed -i` of the credentials into config.php; then GETs of
//     the same page until it shows the row.
// Each side has a database of its own (the same empty state before each run: the table dropped)
// and a fresh target folder per run. Four rounds alternate the order (each side first in two),
// each run from the same start: `sync`, InnoDB's dirty pages of the import before flushed, and the
// server's task lock free (tests of other work against web1 take it too; a task of theirs that
// starts mid-run still makes Hostdeck's tasks wait: the log has each task's span); medians taken.
// Verified after every run (outside the clock): the page's body, the assets' checksum on the
// server against the local one, every file of the target owned by the site's user, the rows in
// the table; then the target, the staged files and the table go.
//
//   DEPLOYAPP_ROUNDS=1 npx tsx scripts/bench.ts deploy-app    (a quick try)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { STAGING_DIR } from '../shared/api/deploy';
import type { Task } from '../shared/queue';
import { DEFAULT_PHP_VALUES } from '../shared/php';
import { uploadTree } from '../test/helpers/files';
import { benchWeb1, deleteSiteThroughHostdeck, removeSiteByHand, settledDone } from './hostdeck';
import { entry, median, type BenchContext, type BenchEntry } from './lib';
import { sitePeer, treeSum } from './site-peer';
import { rootHome } from '../testbed/sshd';

export const name = 'deploy-app';

const ROUNDS = Number(process.env.DEPLOYAPP_ROUNDS ?? 4);
const ASSETS = 24;
const ASSET_BYTES = 2_100_000;
const ROWS = 540_000;
/** The row the page shows (its value is a function of its id, so the bench knows it). */
const PROBE = 424_242;

type Side = 'hostdeck' | 'peer';
const SIDES: Side[] = ['hostdeck', 'peer'];

const sh = (script: string): string => execFileSync('sh', ['-c', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
/** Hostdeck's server-side task lock of the testbed's root (shared with every other Hostdeck core testing against web1). */
const TASK_LOCK = `${rootHome('web1')}/.cache/hostdeck/tasks.lock`;

function get(host: string, port: number, vhost: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: urlPath, headers: { Host: vhost }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const tb = ctx.testbed;
  const tag = randomBytes(3).toString('hex');
  const site = `dpab${tag}`;
  const siteHome = `/home/${site}`;
  const vhost = `deploy-app-${tag}.test`;
  const socket = tb.mariadb.socket;
  const root = (sql: string): string => execFileSync('mariadb', ['--no-defaults', `--socket=${socket}`, '-u', 'root', '-N', '-B', '-e', sql], { encoding: 'utf8' });

  // ---- the workstation's files: the app archive and the dump
  const t0 = performance.now();
  const app = path.join(ctx.tmpDir, 'app');
  mkdirSync(path.join(app, 'assets'), { recursive: true });
  writeFileSync(path.join(app, 'config.php'), "<?php return ['name' => '{{DB_NAME}}', 'user' => '{{DB_USER}}', 'pass' => '{{DB_PASSWORD}}', 'host' => '{{DB_HOST}}'];\n");
  writeFileSync(
    path.join(app, 'index.php'),
    `<?php $c = require __DIR__ . '/config.php'; $db = new mysqli($c['host'], $c['user'], $c['pass'], $c['name'], 0, '${socket}'); $r = $db->query('SELECT id, body FROM items WHERE id = ${PROBE}')->fetch_row(); echo $r[0], ' ', $r[1], "\\n";\n`,
  );
  for (let i = 0; i < ASSETS; i++) writeFileSync(path.join(app, 'assets', `a${String(i).padStart(2, '0')}.bin`), randomBytes(ASSET_BYTES));
  const archive = path.join(ctx.tmpDir, 'app.tar.gz');
  sh(`tar -czf '${archive}' -C '${app}' .`);
  const assetsSum = treeSum(path.join(app, 'assets'));
  const gen = `hdbench_gen_${tag}`;
  const dump = path.join(ctx.tmpDir, 'dump.sql');
  try {
    root(`CREATE DATABASE ${gen}; USE ${gen}; CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, body VARCHAR(200) NOT NULL) ENGINE=InnoDB; INSERT INTO items SELECT seq, CONCAT('item-', seq), REPEAT(MD5(seq), 5) FROM seq_1_to_${ROWS}`);
    execFileSync('sh', ['-c', `mariadb-dump --no-defaults --socket='${socket}' -u root ${gen} items > '${dump}'`]);
  } finally {
    root(`DROP DATABASE IF EXISTS ${gen}`);
  }
  const expected = `${PROBE} ${execFileSync('sh', ['-c', `printf %s ${PROBE} | md5sum`], { encoding: 'utf8' }).split(' ')[0]!.repeat(5)}\n`;
  const archiveData = readFileSync(archive);
  const dumpData = readFileSync(dump);
  const bytes = archiveData.length + dumpData.length;
  ctx.log(`archive ${(archiveData.length / 1e6).toFixed(1)} MB, dump ${(dumpData.length / 1e6).toFixed(1)} MB (${ROWS} rows), made in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---- Hostdeck: the site through the core and the queue
  const php = { poolDir: tb.php.poolsDir, fpmConf: tb.php.conf, binary: '/usr/sbin/php-fpm{version}', reload: 'pidfile', pidFile: tb.php.pidFile, socketDir: tb.php.socketDir, webGroup: 'www-data', defaults: DEFAULT_PHP_VALUES };
  const { call, serverId, knownHosts } = await benchWeb1(ctx, { hosting: { php } });
  const where = { serverId, site };
  const dbs: Record<Side, { name: string; user: string }> = { hostdeck: { name: `${site}_hd`, user: `${site}_hd` }, peer: { name: `${site}_pe`, user: `${site}_pe` } };

  const peer = sitePeer(ctx, site, knownHosts, tag);

  let siteCreated = false;
  let tornDown = false;
  const teardown = async () => {
    if (tornDown) return;
    tornDown = true;
    peer.close();
    if (siteCreated) await deleteSiteThroughHostdeck(ctx, call, serverId, site);
    removeSiteByHand(site);
    try {
      for (const db of Object.values(dbs)) root(`DROP DATABASE IF EXISTS \`${db.name}\`; DROP USER IF EXISTS '${db.user}'@'localhost'`);
    } catch {
      // MariaDB may be gone already
    }
  };
  ctx.defer(teardown);
  // quiet() sets it to 0 for a moment; put back even when the run is stopped in between.
  const dirtyPct = Number(root('SELECT @@GLOBAL.innodb_max_dirty_pages_pct').trim());
  ctx.defer(() => root(`SET GLOBAL innodb_max_dirty_pages_pct = ${dirtyPct}`));

  try {
    const created = await call<{ tasks: Task[] }>('hosting.createSite', { serverId, name: site, quotaMb: 0, domains: [vhost] });
    siteCreated = true;
    await call('hosting.setPhp', { serverId, site, version: tb.php.version, values: DEFAULT_PHP_VALUES, extras: [] });
    const peerDb = await call<{ password: string }>('hosting.createDb', { serverId, site, ...dbs.peer });
    await call('hosting.createDb', { serverId, site, ...dbs.hostdeck });
    await settledDone(call, serverId, 'creating the site, its PHP and databases');
    ctx.log(`Hostdeck: ${created.tasks.map((x) => x.kind).join(', ')}, PHP and two databases done`);
    await call('files.open', where);
    await call('files.mkdir', { ...where, dir: '', name: STAGING_DIR });
    execFileSync('runuser', ['-u', site, '--', 'mkdir', `${siteHome}/upload`]);
    peer.open();

    const untilRow = async (target: string): Promise<void> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = await get(tb.nginx.host, tb.nginx.port, vhost, `/${target}/index.php`);
        if (r.status === 200 && r.body === expected) return;
        if (Date.now() > deadline) throw new Error(`/${target}/index.php answered ${r.status}: ${r.body.slice(0, 300)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    const peerScript = (target: string): string => {
      const t = `public_html/${target}`;
      const db = dbs.peer;
      const sed = [['DB_NAME', db.name], ['DB_USER', db.user], ['DB_PASSWORD', peerDb.password], ['DB_HOST', 'localhost']].map(([k, v]) => `-e 's/{{${k}}}/${v}/'`).join(' ');
      return [
        'set -e',
        `mkdir -p ${t}`,
        'ms() { echo $(($(date +%s%N) / 1000000)); }',
        'a=$(ms)',
        `tar -xzf upload/app.tar.gz -C ${t}`,
        'b=$(ms)',
        `MYSQL_PWD='${peerDb.password}' mariadb --socket='${socket}' -u ${db.user} ${db.name} < upload/dump.sql`,
        'c=$(ms)',
        `sed -i ${sed} ${t}/config.php`,
        'echo "tar $((b - a)) ms, mariadb $((c - b)) ms, sed $(($(ms) - c)) ms"',
      ].join('; ');
    };

    const since = (at: number): string => `${(performance.now() - at).toFixed(0)} ms`;
    const span = (x: Task): string => (x.startedAt && x.finishedAt ? `${Date.parse(x.finishedAt) - Date.parse(x.startedAt)} ms` : '?');
    /** Each side's deploy; resolves to where its time went (for the log). */
    const deploy: Record<Side, (target: string) => Promise<string>> = {
      hostdeck: async (target) => {
        let at = performance.now();
        const n = await uploadTree(call, { serverId, site }, STAGING_DIR, [{ path: 'app.tar.gz', data: archiveData }, { path: 'dump.sql', data: dumpData }]);
        if (n !== 2) throw new Error(`files.treeFinish counted ${n} files, not 2`);
        const phases = [`upload ${since(at)}`];
        at = performance.now();
        const queued = await call<{ tasks: Task[] }>('deploy.run', { serverId, site, source: { kind: 'staged', archive: 'app.tar.gz' }, target, database: dbs.hostdeck.name, dump: 'dump.sql', placeholderFiles: ['config.php'] });
        const ids = new Set(queued.tasks.map((x) => x.id));
        const tasks = (await settledDone(call, serverId, 'the deploy', 600_000)).filter((x) => ids.has(x.id));
        phases.push(`deploy.run to settled ${since(at)} (${tasks.map((x) => `${x.kind} ${span(x)}`).join(', ')})`);
        at = performance.now();
        await untilRow(target);
        return [...phases, `page ${since(at)}`].join('; ');
      },
      peer: async (target) => {
        let at = performance.now();
        execFileSync('scp', ['-q', ...peer.scpOpts, archive, dump, `${peer.login}:upload/`], { stdio: ['ignore', 'ignore', 'pipe'] });
        const phases = [`scp ${since(at)}`];
        at = performance.now();
        const steps = execFileSync('ssh', [...peer.sshOpts, peer.login, peerScript(target)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
        phases.push(`ssh ${since(at)} (${steps})`);
        at = performance.now();
        await untilRow(target);
        return [...phases, `page ${since(at)}`].join('; ');
      },
    };

    /**
     * The same start for either side: the page cache written back (sync), InnoDB's dirty pages of
     * the import before flushed (the next import would pay for them), and no other Hostdeck
     * queue's task under way on the server (tests of other work take the same task lock).
     */
    const quiet = async (): Promise<string> => {
      const at = performance.now();
      sh('sync');
      try {
        root('SET GLOBAL innodb_max_dirty_pages_pct = 0');
        const deadline = Date.now() + 60_000;
        while (Number(root("SELECT variable_value FROM information_schema.global_status WHERE variable_name = 'INNODB_BUFFER_POOL_PAGES_DIRTY'").trim()) > 200 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } finally {
        root(`SET GLOBAL innodb_max_dirty_pages_pct = ${dirtyPct}`);
      }
      const free = sh(`flock -w 120 ${TASK_LOCK} true && echo free || echo busy`).trim();
      return `quiet after ${(performance.now() - at).toFixed(0)} ms (task lock ${free})`;
    };

    const times: Record<Side, number[]> = { hostdeck: [], peer: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...SIDES].reverse() : SIDES;
      for (const side of order) {
        const target = `app-${side}-${round}`;
        root(`DROP TABLE IF EXISTS \`${dbs[side].name}\`.items`);
        const waited = await quiet();
        const started = performance.now();
        const phases = await deploy[side](target);
        const ms = performance.now() - started;
        // ---- verified outside the clock: the page, the assets' checksum, ownership; then cleaned
        const page = await get(tb.nginx.host, tb.nginx.port, vhost, `/${target}/index.php`);
        if (page.body !== expected) throw new Error(`${side}: the page shows ${JSON.stringify(page.body.slice(0, 200))}, not ${JSON.stringify(expected)}`);
        const landed = `${siteHome}/public_html/${target}`;
        const sum = treeSum(`${landed}/assets`);
        if (sum !== assetsSum) throw new Error(`${side}: the assets' checksum on the server differs (${sum} vs ${assetsSum})`);
        const foreign = sh(`find '${landed}' ! -user ${site} | head -3`).trim();
        if (foreign) throw new Error(`${side}: not owned by ${site}: ${foreign}`);
        const rows = root(`SELECT COUNT(*) FROM \`${dbs[side].name}\`.items`).trim();
        if (rows !== String(ROWS)) throw new Error(`${side}: ${rows} rows imported, not ${ROWS}`);
        sh(`rm -rf '${landed}' '${siteHome}/${STAGING_DIR}'/* '${siteHome}/upload'/*`);
        times[side].push(ms);
        ctx.log(`round ${round + 1} ${side}: ${ms.toFixed(0)} ms (${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s overall), page, assets, owner and ${ROWS} rows verified; load ${load()}; ${waited}`);
        ctx.log(`  ${phases}`);
      }
    }

    const med = { hostdeck: median(times.hostdeck), peer: median(times.peer) };
    const mb = (n: number) => Math.round(n / 1e6);
    const metric = `deploy a ${mb(archiveData.length)} MB tar.gz PHP app (${ASSETS} random assets) and a ${mb(dumpData.length)} MB SQL dump (${ROWS.toLocaleString('en-US')} rows) from the workstation into a site, until its page answers through nginx with a row from the dump (median of ${ROUNDS}, alternating order); Hostdeck: both files uploaded with Files (one tar stream), deploy.run (unpack, import, placeholders), queue settled`;
    return [
      entry({ name, metric, unit: 'ms', hostdeck: med.hostdeck, peer: med.peer, peerName: "by hand through one persistent OpenSSH connection (ControlMaster) as the site's user: scp of archive and dump, then one ssh running tar -xzf into public_html, mariadb < dump as the database's user, sed -i of the credentials into config.php", goal: '<= 1.2' }),
    ];
  } finally {
    await teardown();
  }
}
