// A site's backup, first and second time: about 2 GB of files (25,000 small text files of 1-16 KB
// and 36 random, incompressible files of 50 MB; a log and a temporary file in the folders no side
// backs up) and a database of 1,000,000 rows, on web1 (this machine).
//   - Hostdeck: a real core (fresh data dir, web1 as root with the testbed key) creates the site
//     and its database through the queue and saves the server's backup settings (a new repository
//     folder, the default policy), all before the clock; timed: `backups.backUpNow` until its
//     backup.site task is done (restic on the server: the files, then each database's dump
//     streamed into `restic backup --stdin`, then forget/prune by the policy).
//   - peer: an expert's script run through one persistent OpenSSH connection as root
//     (ControlMaster, opened before the clock): `tar czf` of the home with the same exclusions and
//     `mariadb-dump --single-transaction --routines --events | gzip` beside it, in parallel (two
//     cores), into a fresh folder on the server. It has no incremental mode: the second time it
//     does the whole work again.
// Between the first and the second backup (outside the clock) 1% of the files are rewritten (every
// 100th small file with new text of its size, and one of the 50 MB files with new bytes) and 1% of
// the rows updated plus 1,000 inserted. Every backup runs after a `sync`; odd rounds run the peer
// first. After each (outside the clock): Hostdeck's run is listed by `backups.snapshots` (files and db), its file count equals
// the home's, a sample (the changed big file and a folder of small ones) restored by restic equals
// the live files, and its dump is complete and holds every row; the peer's tar and gzip pass
// `gzip -t`, the tar lists every file and the same sample extracted equals the live files, the
// dump holds every row.
// The generated files are kept under the testbed's state (CACHE below, a marker says they are
// complete) and copied into the site each run; the site, its database, the repository and the
// peer's archives are removed at the end.
//
//   BACKUPSITE_ROUNDS=1 npx tsx scripts/bench.ts backup-site    (a quick try; each round a new site, repository and archives)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DEFAULT_POLICY, type Snapshot } from '../shared/api/backups';
import type { Task } from '../shared/queue';
import { memoryKeychain, type Keychain } from '../src-main/core/secrets/keychain';
import { EXCLUDED } from '../src-main/core/backups/tasks';
import { benchWeb1, deleteSiteThroughHostdeck, removeSiteByHand, settledDone, type BenchCall } from './hostdeck';
import { entry, median, type BenchContext, type BenchEntry } from './lib';
import { rootHome } from '../testbed/sshd';

export const name = 'backup-site';

const ROUNDS = Number(process.env.BACKUPSITE_ROUNDS ?? 3);
const SMALL_DIRS = 250;
const BIG = 36;
const BIG_BYTES = 50_000_000;
const ROWS = 1_000_000;
/** Bump when the generated tree changes: an older cache is made again. */
const MARKER = 'complete-v1';

const sh = (script: string, env?: NodeJS.ProcessEnv, input?: string): string =>
  execFileSync('bash', ['-c', `set -o pipefail; ${script}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: env ? { ...process.env, ...env } : process.env, ...(input === undefined ? {} : { input }) });
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * The files of the site under cache/home (made once: a marker says they are complete):
 * public_html/src/dNNN: ~101 files each of one size between 1 and 16 KB (base64 text, which gzip
 * and zstd shrink to about 3/4); public_html/media: BIG random files; logs/ and tmp/ hold a file
 * each that no side backs up.
 */
function ensureTree(cache: string, log: (line: string) => void): void {
  if (sh(`[ -f '${cache}/${MARKER}' ] && echo yes || true`).trim() === 'yes') {
    log(`files reused from ${cache}`);
    return;
  }
  const t0 = performance.now();
  sh(`rm -rf '${cache}' && mkdir -p '${cache}/home/public_html/src' '${cache}/home/public_html/media' '${cache}/home/logs' '${cache}/home/tmp' && cd '${cache}/home'
    for i in $(seq 0 ${SMALL_DIRS - 1}); do
      d=public_html/src/d$(printf %03d $i); mkdir $d; size=$(( 1024 + (i * 61 * 1024 / 4) % 15360 ))
      head -c $(( size * 75 )) /dev/urandom | base64 -w 76 | split -a 3 -d -b $size --additional-suffix=.php - $d/f
    done
    for i in $(seq 0 ${BIG - 1}); do head -c ${BIG_BYTES} /dev/urandom > public_html/media/v$(printf %02d $i).bin; done
    head -c 30000000 /dev/urandom | base64 > logs/access.log
    head -c 20000000 /dev/urandom > tmp/upload.part
    sync && touch '${cache}/${MARKER}'`);
  log(`files made in ${cache} in ${secs(performance.now() - t0)}`);
}

/** The home's files and links as backed up (the excluded folders left out), sorted. */
function liveList(home: string): string[] {
  const prune = EXCLUDED.map((e) => `-path './${e}' -prune`).join(' -o ');
  return sh(`cd '${home}' && find . \\( ${prune} \\) -o ! -type d -print | LC_ALL=C sort`).trim().split('\n');
}

/** sha256 of every file under the given paths of root, by path, hashed again. */
const sampleSum = (root: string, paths: string[]): string => sh(`cd '${root}' && find ${paths.map((p) => `'${p}'`).join(' ')} -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum`).split(' ')[0]!;

/** Rows in a dump on stdin (the only table's; MariaDB's dump writes one row a line, each starting `(<id>,`). */
const countRows = (cmd: string, env?: NodeJS.ProcessEnv): number => Number(sh(`${cmd} | grep -c '^([0-9]'`, env).trim());
const dumpComplete = (cmd: string, env?: NodeJS.ProcessEnv): boolean => /-- Dump completed/.test(sh(`${cmd} | tail -c 300`, env));

/** An in-memory keychain that the backups accept (they refuse to make a repository password into memory only, which a user would lose at quit); the bench's repository lives only for the run. */
const benchKeychain = (): Keychain => ({ ...memoryKeychain(''), kind: 'os', note: null });

type Times = { first: number[]; second: number[] };

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const tb = ctx.testbed;
  const web1 = tb.ssh.web1;
  const cache = `${tb.root}/bench-cache/backup-site`;
  const work = `${tb.root}/bench-backup-site`;
  mkdirSync(work, { recursive: true, mode: 0o700 });
  ctx.log(`disk before: ${sh("df -h / | tail -1 | awk '{ print $4 \" free of \" $2 }'").trim()}; load ${load()}`);
  ensureTree(cache, ctx.log);
  const small = sh(`cd '${cache}/home' && find public_html/src -type f | LC_ALL=C sort`).trim().split('\n');
  const changed = small.filter((_, i) => i % 100 === 0);
  const bytes = Number(sh(`du -sb --exclude=./logs --exclude=./tmp '${cache}/home' | cut -f1`).trim());
  ctx.log(`tree: ${small.length} small files + ${BIG} of ${BIG_BYTES / 1e6} MB, ${(bytes / 1e9).toFixed(2)} GB backed up; second backup: ${changed.length} small files and 1 big one rewritten`);

  const keychain = benchKeychain();
  const { call, serverId, knownHosts } = await benchWeb1(ctx, { keychain });

  // The peer's persistent connection as root (a short path: a unix socket's is limited to ~100 bytes).
  const tag0 = randomBytes(3).toString('hex');
  const controlPath = `/tmp/hd-backup-site-${tag0}.sock`;
  const ssh = ['-F', '/dev/null', '-i', tb.keys.ed25519.path, '-p', String(web1.port), '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'ControlMaster=auto', '-o', `ControlPath=${controlPath}`, '-o', 'ControlPersist=1800'];
  execFileSync('ssh', [...ssh, '-f', '-N', `root@${web1.host}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  ctx.defer(() => {
    try {
      execFileSync('ssh', ['-o', `ControlPath=${controlPath}`, '-O', 'exit', 'x'], { stdio: 'ignore' });
    } catch {
      // no master was running
    }
  });
  const onServer = (script: string): string => execFileSync('ssh', [...ssh, `root@${web1.host}`, 'bash -s'], { input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });

  const times: Record<'hostdeck' | 'peer', Times> = { hostdeck: { first: [], second: [] }, peer: { first: [], second: [] } };
  for (let round = 0; round < ROUNDS; round++) {
    const tag = round === 0 ? tag0 : randomBytes(3).toString('hex');
    await oneRound(ctx, { call, serverId, keychain, cache, work, tag, round, changed, onServer, times });
  }

  const what = (which: string) =>
    `${which} backup of a site: ${(bytes / 1e9).toFixed(1)} GB of files (${small.length.toLocaleString('en-US')} text files of 1-16 KB, ${BIG} random of 50 MB) + a 1M-row database${which === 'second' ? ', after 1% of the files and rows changed' : ''}, until done (median of ${ROUNDS}); Hostdeck: backups.backUpNow, restic on the server (default policy)`;
  const peerName = "expert's script through one persistent OpenSSH connection (ControlMaster): tar czf (same exclusions) and mariadb-dump --single-transaction --routines --events | gzip in parallel, on the server, the whole work each time";
  return [
    entry({ name, metric: what('first'), unit: 'ms', hostdeck: median(times.hostdeck.first), peer: median(times.peer.first), peerName, goal: '<= 1.0' }),
    entry({ name, metric: what('second'), unit: 'ms', hostdeck: median(times.hostdeck.second), peer: median(times.peer.second), peerName, goal: '<= 0.2' }),
  ];
}

type RoundArgs = {
  call: BenchCall;
  serverId: string;
  keychain: Keychain;
  cache: string;
  work: string;
  tag: string;
  round: number;
  changed: string[];
  onServer: (script: string) => string;
  times: Record<'hostdeck' | 'peer', Times>;
};

/** One site: first backups (Hostdeck, then the peer), 1% changed, second backups; verified after each. */
async function oneRound(ctx: BenchContext, a: RoundArgs): Promise<void> {
  const { call, serverId, tag } = a;
  const site = `bksb${tag}`;
  const siteHome = `/home/${site}`;
  const db = `${site}_shop`;
  const repoPath = `${a.work}/repo-${tag}`;
  const peerDir = `${a.work}/peer-${tag}`;
  const mysql = `mariadb --no-defaults --socket='${ctx.testbed.mariadb.socket}' -u root -N -B`;
  const sample = ['public_html/media/v07.bin', 'public_html/src/d000'];

  let siteCreated = false;
  /** The repository's id: names restic's cache folder of it (in the home root's sessions get on the test servers). */
  let repoId = '';
  const teardown = async () => {
    if (siteCreated) await deleteSiteThroughHostdeck(ctx, call, serverId, site);
    siteCreated = false;
    removeSiteByHand(site);
    try {
      sh(`${mysql} -e "DROP DATABASE IF EXISTS \\\`${db}\\\`; DROP USER IF EXISTS '${site}_u'@'localhost'"`);
      sh(`rm -rf '${repoPath}' '${peerDir}' ${repoId ? `'${rootHome('web1')}/.cache/restic/${repoId}'` : ''}`);
    } catch {
      /* best effort */
    }
  };
  ctx.defer(teardown);
  try {
    await call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    siteCreated = true;
    await call('hosting.createDb', { serverId, site, name: db, user: `${site}_u` });
    await settledDone(call, serverId, 'creating the site and its database');
    const t0 = performance.now();
    sh(`cp -a '${a.cache}/home/.' '${siteHome}/' && chown -R ${site}:${site} '${siteHome}/public_html' '${siteHome}/logs' '${siteHome}/tmp'`);
    sh(`${mysql} -e "CREATE TABLE \\\`${db}\\\`.orders (id INT PRIMARY KEY AUTO_INCREMENT, customer VARCHAR(64) NOT NULL, email VARCHAR(100) NOT NULL, total DECIMAL(10,2) NOT NULL, created DATETIME NOT NULL, note VARCHAR(200) NOT NULL, KEY (email)) ENGINE=InnoDB;
      INSERT INTO \\\`${db}\\\`.orders SELECT seq, CONCAT('customer ', seq), CONCAT('user', seq, '@example.com'), (seq * 7919 % 100000) / 100, '2026-01-01' + INTERVAL seq MINUTE, SHA2(seq, 256) FROM mysql.seq_1_to_${ROWS};"`);
    ctx.log(`round ${tag}: site ${site} filled (files copied, ${ROWS.toLocaleString('en-US')} rows) in ${secs(performance.now() - t0)}`);
    await call('backups.setSettings', { serverId, repoPath, policy: DEFAULT_POLICY });
    const password = (await a.keychain.get((await a.keychain.accounts('backup-repo:')).at(-1)!))!;
    const restic = (args: string) => `restic -r '${repoPath}' --no-cache ${args}`;
    const resticEnv = { RESTIC_PASSWORD: password };
    const rowsNow = () => Number(sh(`${mysql} -e "SELECT COUNT(*) FROM \\\`${db}\\\`.orders"`).trim());

    const hostdeck = async (which: keyof Times) => {
      sh('sync');
      const started = performance.now();
      await call<{ tasks: Task[] }>('backups.backUpNow', { serverId, site });
      const tasks = await settledDone(call, serverId, `the ${which} backup`, 30 * 60_000);
      const ms = performance.now() - started;
      const task = tasks.filter((x) => x.kind === 'backup.site').at(-1)!;
      ctx.log(`Hostdeck ${which}: ${secs(ms)}, verifying`);
      repoId ||= (JSON.parse(sh(restic('cat config'), resticEnv)) as { id: string }).id;
      // ---- verified outside the clock
      const snaps = (await call<{ snapshots: Snapshot[] }>('backups.snapshots', { serverId, site })).snapshots;
      const run = snaps[0]?.run;
      const files = snaps.find((s) => s.run === run && s.kind === 'files');
      const dbSnap = snaps.find((s) => s.run === run && s.kind === 'db' && s.db === db);
      if (!files || !dbSnap) throw new Error(`Hostdeck ${which}: run ${run} lacks a files or db snapshot: ${JSON.stringify(snaps.map((s) => `${s.kind}:${s.run}`))}`);
      const listed = Number(sh(restic(`ls --json ${files.id} | grep '"struct_type":"node"' | grep -vc '"type":"dir"'`), resticEnv).trim());
      const live = liveList(siteHome).length;
      if (listed !== live) throw new Error(`Hostdeck ${which}: snapshot ${files.shortId} holds ${listed} files, the home ${live}`);
      const out = `${a.work}/restore-${tag}`;
      sh(`rm -rf '${out}' && ${restic(`restore ${files.id} --target '${out}' ${sample.map((p) => `--include '${siteHome}/${p}'`).join(' ')} >/dev/null`)}`, resticEnv);
      const same = sampleSum(`${out}${siteHome}`, sample) === sampleSum(siteHome, sample);
      sh(`rm -rf '${out}'`);
      if (!same) throw new Error(`Hostdeck ${which}: the sample restored from ${files.shortId} differs from the live files`);
      const dump = restic(`dump ${dbSnap.id} '/${db}.sql'`);
      const rows = countRows(dump, resticEnv);
      if (!dumpComplete(dump, resticEnv) || rows !== rowsNow()) throw new Error(`Hostdeck ${which}: the dump in ${dbSnap.shortId} is incomplete or holds ${rows} rows, not ${rowsNow()}`);
      a.times.hostdeck[which].push(ms);
      // Where the time went, from the task's start and end and each snapshot's start time.
      const at = (iso: string | null) => Date.parse(iso ?? '');
      const phases = `start to files ${secs(at(files.time) - at(task.startedAt))}, files ${secs(at(dbSnap.time) - at(files.time))}, dump + forget/prune ${secs(at(task.finishedAt) - at(dbSnap.time))}`;
      ctx.log(`Hostdeck ${which}: ${secs(ms)} (${phases}; ${task.stdoutTail.trim().split('\n').join(' | ')}); snapshots ${files.shortId}+${dbSnap.shortId}: ${listed} files, sample restored equal, ${rows} rows; load ${load()}; repository ${sh(`du -sh '${repoPath}' | cut -f1`).trim()}`);
    };

    const peer = (which: keyof Times) => {
      const dir = `${peerDir}/${which}`;
      const excludes = EXCLUDED.map((e) => `--exclude='./${e}'`).join(' ');
      const script = [
        'set -eo pipefail',
        `mkdir -p '${dir}'`,
        't0=$(date +%s%N); ms() { echo $(( ($(date +%s%N) - t0) / 1000000 )); }',
        `{ tar czf '${dir}/files.tar.gz' -C '${siteHome}' ${excludes} .; echo "tar $(ms) ms"; } & files=$!`,
        `mariadb-dump --no-defaults --socket='${ctx.testbed.mariadb.socket}' -u root --single-transaction --routines --events '${db}' | gzip > '${dir}/db.sql.gz'`,
        'echo "dump $(ms) ms"',
        'wait $files',
      ].join('\n');
      sh('sync');
      const started = performance.now();
      const said = a.onServer(script).trim().split('\n').join(', ');
      const ms = performance.now() - started;
      // ---- verified outside the clock
      sh(`gzip -t '${dir}/files.tar.gz' '${dir}/db.sql.gz'`);
      const listed = sh(`tar tzf '${dir}/files.tar.gz' | grep -v '/$' | LC_ALL=C sort`).trim().split('\n');
      const live = liveList(siteHome);
      if (listed.join('\n') !== live.join('\n')) throw new Error(`peer ${which}: the tar lists ${listed.length} files, the home ${live.length}`);
      const out = `${dir}/x`;
      sh(`mkdir -p '${out}' && tar xzf '${dir}/files.tar.gz' -C '${out}' ${sample.map((p) => `'./${p}'`).join(' ')}`);
      const same = sampleSum(out, sample) === sampleSum(siteHome, sample);
      if (!same) throw new Error(`peer ${which}: the sample from the tar differs from the live files`);
      const dump = `zcat '${dir}/db.sql.gz'`;
      const rows = countRows(dump);
      if (!dumpComplete(dump) || rows !== rowsNow()) throw new Error(`peer ${which}: the dump is incomplete or holds ${rows} rows, not ${rowsNow()}`);
      const size = sh(`du -sh '${dir}/files.tar.gz' '${dir}/db.sql.gz' | cut -f1 | paste -sd+`).trim();
      sh(`rm -rf '${dir}'`);
      a.times.peer[which].push(ms);
      ctx.log(`peer ${which}: ${secs(ms)} (${said}); ${listed.length} files in the tar, sample equal, ${rows} rows, gzip -t passed; ${size}; load ${load()}`);
    };

    // Odd rounds let the peer go first: neither side always finds the other's work just done.
    const both = async (which: keyof Times) => {
      if (a.round % 2) peer(which);
      await hostdeck(which);
      if (!(a.round % 2)) peer(which);
    };
    await both('first');

    const t1 = performance.now();
    const rewrite = a.changed.map((f) => `s=$(stat -c %s '${f}'); head -c $(( s * 3 / 4 + 64 )) /dev/urandom | base64 -w 76 | head -c $s > '${f}'`).join('\n');
    sh(`cd '${siteHome}' && runuser -u ${site} -- bash -s`, undefined, `${rewrite}\nhead -c ${BIG_BYTES} /dev/urandom > public_html/media/v07.bin\n`);
    sh(`${mysql} -e "UPDATE \\\`${db}\\\`.orders SET note = CONCAT('changed ', id, ' ', RAND()), total = total + 1 WHERE id % 100 = 0;
      INSERT INTO \\\`${db}\\\`.orders (customer, email, total, created, note) SELECT CONCAT('new ', seq), CONCAT('new', seq, '@example.com'), seq, NOW(), SHA2(seq * 7, 256) FROM mysql.seq_1_to_1000;"`);
    ctx.log(`changed ${a.changed.length + 1} files and ${ROWS / 100 + 1000} rows in ${secs(performance.now() - t1)}`);

    await both('second');
  } finally {
    await teardown();
  }
}
