// A folder upload into a site: 10,000 files, about 200 MB (9,980 small files of 1-8 KB and 20
// large ones, random bytes so no compression flatters anyone), into a fresh empty folder of the
// site's home, as the site's own Linux user, timed from the first byte sent until the files are
// in place on the server.
//   - Hostdeck: a real core (fresh data dir, web1 as root with the testbed key) creates the site
//     through the queue, opens its files (files.open: the login as the site's user, as the file
//     manager does when its tab opens) and makes the folder, all before the clock; timed: the
//     calls of the window's folder upload (files.treeBegin; files.treeAdd, bytes in calls of up
//     to 1 MB, 4 under way; files.treeFinish: one tar stream unpacked by the site's tar). The
//     tree is read into memory before the clock (the peers read it from the page cache it was
//     just written to).
//   - peers: OpenSSH's `scp -r` (SFTP protocol, its default) and `rsync -a` over `ssh`, both
//     through one persistent OpenSSH connection (ControlMaster, opened before the clock, as
//     Hostdeck's site login is), logging in as the site's user with a key of the
//     bench's put in the site's ~/.ssh/authorized_keys before the clock (`restrict` and a short
//     `expiry-time`, as Hostdeck's own site login does; taken out at the end).
// Rounds take the six orders of the three sides in turn, so that each side comes first, last, and
// after each other side equally often.
// Each upload comes after a `sync` (no side pays for the write-back of the one before) and a drop
// of the clean caches, then the source tree and the programs are read back (fresh-inodes.ts: on
// this machine's journal-less ext4, whoever writes right after the previous side's 10,000 files
// were removed pays seconds of system time a real server would not charge); medians taken. After every upload (outside the clock): every file there is owned by the site's user
// and the tree's checksum (sha256 of every file, by path) equals the local one; the folder is
// then removed. The site is removed through Hostdeck at the end.
//
//   UPLOADTREE_ROUNDS=1 npx tsx scripts/bench.ts upload-tree    (a quick try)
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Task } from '../shared/queue';
import { uploadTree } from '../test/helpers/files';
import { forgetRemovedInodes } from './fresh-inodes';
import { benchWeb1, deleteSiteThroughHostdeck, removeSiteByHand, settledDone } from './hostdeck';
import { entry, median, type BenchContext, type BenchEntry } from './lib';
import { sitePeer, treeSum } from './site-peer';

export const name = 'upload-tree';

const ROUNDS = Number(process.env.UPLOADTREE_ROUNDS ?? 6);
const SMALL = 9_980;
const LARGE = 20;
const LARGE_BYTES = 7_800_000;
const PER_DIR = 100;

type Side = 'hostdeck' | 'scp' | 'rsync';
const SIDES: Side[] = ['hostdeck', 'scp', 'rsync'];
/** Every order of the three sides. */
const ORDERS: Side[][] = SIDES.flatMap((a) => SIDES.filter((b) => b !== a).flatMap((b) => SIDES.filter((c) => c !== a && c !== b).map((c) => [a, b, c])));

const sh = (script: string): string => execFileSync('sh', ['-c', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** The tree under root/tree: files in folders of PER_DIR; the large ones spread among them. */
function makeTree(root: string): { files: { path: string; data: Buffer }[]; bytes: number } {
  const files: { path: string; data: Buffer }[] = [];
  const total = SMALL + LARGE;
  const largeEvery = Math.floor(total / LARGE);
  for (let i = 0; i < total; i++) {
    const large = i % largeEvery === largeEvery - 1 && files.filter((f) => f.data.length >= LARGE_BYTES).length < LARGE;
    const size = large ? LARGE_BYTES + randomInt(0, 1000) : randomInt(1024, 8 * 1024 + 1);
    const rel = `tree/d${String(Math.floor(i / PER_DIR)).padStart(3, '0')}/f${String(i).padStart(5, '0')}.${large ? 'bin' : 'dat'}`;
    files.push({ path: rel, data: randomBytes(size) });
  }
  for (const f of files) {
    mkdirSync(path.dirname(path.join(root, f.path)), { recursive: true });
    writeFileSync(path.join(root, f.path), f.data);
  }
  return { files, bytes: files.reduce((n, f) => n + f.data.length, 0) };
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const tag = randomBytes(3).toString('hex');
  const site = `uptb${tag}`;
  const siteHome = `/home/${site}`;

  const source = path.join(ctx.tmpDir, 'source');
  const t0 = performance.now();
  const tree = makeTree(source);
  const localSum = treeSum(path.join(source, 'tree'));
  ctx.log(`tree: ${tree.files.length} files, ${(tree.bytes / 1e6).toFixed(1)} MB, made in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---- Hostdeck: the site through the core and the queue
  const { call, serverId, knownHosts } = await benchWeb1(ctx);
  const where = { serverId, site };

  // ---- the peers' login as the site's user, the way Hostdeck's site login is made (site-peer.ts)
  const peer = sitePeer(ctx, site, knownHosts, `upload-${tag}`);

  let siteCreated = false;
  let tornDown = false;
  const teardown = async () => {
    if (tornDown) return;
    tornDown = true;
    peer.close();
    if (siteCreated) await deleteSiteThroughHostdeck(ctx, call, serverId, site);
    removeSiteByHand(site);
  };
  ctx.defer(teardown);

  try {
    const created = await call<{ tasks: Task[] }>('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    siteCreated = true;
    await settledDone(call, serverId, 'creating the site');
    ctx.log(`Hostdeck: ${created.tasks.map((x) => x.kind).join(', ')} done`);
    await call('files.open', where);
    peer.open();

    const upload: Record<Side, (dir: string) => Promise<void>> = {
      hostdeck: async (dir) => {
        const n = await uploadTree(call, where, dir, tree.files);
        if (n !== tree.files.length) throw new Error(`files.treeFinish counted ${n} files, not ${tree.files.length}`);
      },
      scp: async (dir) => {
        execFileSync('scp', ['-r', '-q', ...peer.scpOpts, path.join(source, 'tree'), `${peer.login}:${dir}/`], { stdio: ['ignore', 'ignore', 'pipe'] });
      },
      rsync: async (dir) => {
        execFileSync('rsync', ['-a', '-e', ['ssh', ...peer.sshOpts].join(' '), path.join(source, 'tree'), `${peer.login}:${dir}/`], { stdio: ['ignore', 'ignore', 'pipe'] });
      },
    };

    const times: Record<Side, number[]> = { hostdeck: [], scp: [], rsync: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = ORDERS[round % ORDERS.length]!;
      for (const side of order) {
        const dir = `up-${side}-${round}`;
        if (side === 'hostdeck') await call('files.mkdir', { ...where, dir: '', name: dir });
        else execFileSync('runuser', ['-u', site, '--', 'mkdir', `${siteHome}/${dir}`]);
        forgetRemovedInodes([source]);
        const started = performance.now();
        await upload[side](dir);
        const ms = performance.now() - started;
        // ---- verified outside the clock: ownership, count, checksum; then the folder goes
        const landed = `${siteHome}/${dir}/tree`;
        const foreign = sh(`find '${siteHome}/${dir}' ! -user ${site} | head -3`).trim();
        if (foreign) throw new Error(`${side}: not owned by ${site}: ${foreign}`);
        const count = Number(sh(`find '${landed}' -type f | wc -l`).trim());
        if (count !== tree.files.length) throw new Error(`${side}: ${count} files on the server, not ${tree.files.length}`);
        const sum = treeSum(landed);
        if (sum !== localSum) throw new Error(`${side}: the tree's checksum on the server differs (${sum} vs ${localSum})`);
        sh(`rm -rf '${siteHome}/${dir}'`);
        times[side].push(ms);
        ctx.log(`round ${round + 1} ${side}: ${ms.toFixed(0)} ms (${(tree.bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s), owner and checksum verified; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
      }
    }

    const med = { hostdeck: median(times.hostdeck), scp: median(times.scp), rsync: median(times.rsync) };
    const what = `upload a ${tree.files.length.toLocaleString('en-US')}-file tree (${Math.round(tree.bytes / 1e6)} MB: ${SMALL.toLocaleString('en-US')} files of 1-8 KB, ${LARGE} of 7.8 MB, random) into a new folder of a site as its own user, until in place (median of ${ROUNDS}, each of the six orders in turn)`;
    const hd = 'Hostdeck: files.treeBegin/treeAdd/treeFinish (bytes in 1 MB calls, 4 under way), one tar stream, the site login opened before';
    return [
      entry({ name, metric: `${what}; ${hd}`, unit: 'ms', hostdeck: med.hostdeck, peer: med.scp, peerName: "OpenSSH scp -r (SFTP, its default) through a persistent connection (ControlMaster), key login as the site's user", goal: '<= 1.0' }),
      entry({ name, metric: `${what}; ${hd}`, unit: 'ms', hostdeck: med.hostdeck, peer: med.rsync, peerName: "rsync -a over OpenSSH ssh through a persistent connection (ControlMaster), key login as the site's user", goal: '<= 1.0' }),
    ];
  } finally {
    await teardown();
  }
}
