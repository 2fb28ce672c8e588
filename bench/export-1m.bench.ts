// Export shop.orders (1M rows) to CSV through SSH with Hostdeck's db.export vs the stock client
// `mysql -B` on the server itself (no SSH; bench/mysql-peer.ts). Goal: within 1.2x of its time.
// Both sides warm, timed from the statement sent to the file complete: Hostdeck with its SSH
// connection and database pool open (as the app has them when the user exports), the client
// started and connected, its statement written to its stdin, timed to its exit. The peer is the
// faster of `mysql -B` and `mysql -B --quick` (row by row, what a DBA exporting a big table uses).
// The export runs in a separate Node process running a core (like the app's core process), whose
// RSS is sampled every 50 ms: the second entry is its peak, goal < 150 MB (memory flat in rows).
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { mysqlBatchExport, mysqlWarmExport } from './mysql-peer';
import { entry, median, type BenchContext, type BenchEntry } from './lib';
import { REPO } from '../testbed/util';
import { TESTBED_JSON } from '../testbed/testbed';

export const name = 'export-1m';
const ROUNDS = 3;

/** The child: a core with web1 and its MariaDB access, an export per request, its own RSS peak. */
const CHILD = String.raw`
import { createCore } from './src-main/core/core';
import { knownHostsName } from './src-main/core/ssh/host-key';
import { loadTestbed } from './testbed/testbed';
import { writeFileSync, mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
const [dir, out] = process.argv.slice(2);
const tb = loadTestbed();
const home = path.join(dir, 'home'); mkdirSync(path.join(home, '.ssh'), { recursive: true });
const w = tb.ssh.web1;
writeFileSync(path.join(home, '.ssh', 'known_hosts'), knownHostsName(w.host, w.port) + ' ' + w.hostKeyLine + '\n');
const mem = new Map();
const core = await createCore({ dataDir: path.join(dir, 'data'), homeDir: home, log: () => undefined, keychain: { kind: 'memory', note: null, get: async (k) => mem.get(k) ?? null, set: async (k, v) => void mem.set(k, v), delete: async (k) => void mem.delete(k) } });
const call = async (m, i) => { const r = await core.call(m, i); if (!r.ok) throw new Error(m + ': ' + r.error.message); return r.output; };
const server = await call('servers.add', { name: 'web1', host: w.host, port: w.port, user: 'hdtest', auth: { method: 'key', keyPath: tb.keys.ed25519.path }, roles: ['db'], tags: [] });
await call('db.setAccess', { serverId: server.id, access: { source: 'login', user: tb.mariadb.adminUser, host: tb.mariadb.host, port: tb.mariadb.port, socketPath: null }, password: tb.mariadb.adminPassword, readOnly: false });
await call('db.databases', { serverId: server.id });
let peak = process.memoryUsage.rss();
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 50);
process.stdout.write('ready\n');
// One export per "export" line on stdin (the parent interleaves them with the peer's rounds).
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'export') break;
  const t0 = performance.now();
  const r = await call('db.export', { jobId: crypto.randomUUID(), serverId: server.id, database: 'shop', source: { table: 'orders' }, format: 'csv', path: out });
  const ms = performance.now() - t0;
  if (r.rows !== 1000000) throw new Error('rows ' + r.rows);
  process.stdout.write(JSON.stringify({ ms }) + '\n');
}
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage.rss());
process.stdout.write(JSON.stringify({ peak }) + '\n');
await core.close();
process.exit(0);
`;

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const { testbed, tmpDir } = ctx;
  const childFile = path.join(REPO, `.bench-export-child-${process.pid}.ts`);
  fs.writeFileSync(childFile, CHILD);
  // Bundled and run on plain node, as the app's core runs: a TypeScript loader in the process
  // would add its own ~50 MB to the RSS being measured.
  const bundle = childFile.replace(/\.ts$/, '.mjs');
  await build({ entryPoints: [childFile], outfile: bundle, bundle: true, platform: 'node', format: 'esm', target: 'node22', packages: 'external', logLevel: 'warning' });
  ctx.defer(() => {
    fs.rmSync(childFile, { force: true });
    fs.rmSync(bundle, { force: true });
  });
  const out = path.join(tmpDir, 'orders.csv');
  const child = spawn(process.execPath, [bundle, tmpDir, out], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOSTDECK_TESTBED: TESTBED_JSON } });
  ctx.defer(() => child.exitCode === null && child.kill());
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  /** The child's next line of output. */
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error(`export child ended: ${stderr.slice(-2000)}`);
    return r.value;
  };
  if ((await next()) !== 'ready') throw new Error(`export child: ${stderr.slice(-2000)}`);

  const sql = 'SET NAMES utf8mb4; SELECT * FROM shop.orders';
  const tsv = path.join(tmpDir, 'orders.tsv');
  // Once cold, untimed: that the client exports every row (header + 1M lines), and its memory.
  const check = await mysqlBatchExport(testbed, sql, tsv, { quick: true });
  if (check.lines !== 1_000_001) throw new Error(`mysql -B wrote ${check.lines} lines`);
  // Rounds interleaved, so that a load change on the machine falls on every side alike.
  const times = { hostdeck: [] as number[], buffered: [] as number[], quick: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    child.stdin.write('export\n');
    times.hostdeck.push((JSON.parse(await next()) as { ms: number }).ms);
    times.buffered.push((await mysqlWarmExport(testbed, sql, tsv)).ms);
    times.quick.push((await mysqlWarmExport(testbed, sql, tsv, { quick: true })).ms);
  }
  child.stdin.end('end\n');
  const { peak } = JSON.parse(await next()) as { peak: number };
  const [h, buffered, quick] = [median(times.hostdeck), median(times.buffered), median(times.quick)];
  const p = Math.min(buffered, quick);
  const peakMb = peak / (1 << 20);
  const list = (xs: number[]) => xs.map((t) => t.toFixed(0)).join(', ');
  ctx.log(`export 1M rows, median of ${ROUNDS}, warm: Hostdeck CSV through SSH ${h.toFixed(0)} ms (${list(times.hostdeck)}), mysql -B ${buffered.toFixed(0)} ms (${list(times.buffered)}), mysql -B --quick ${quick.toFixed(0)} ms (${list(times.quick)}); core peak RSS ${peakMb.toFixed(0)} MB, mysql --quick ${check.maxRssKb ? (check.maxRssKb / 1024).toFixed(0) : '?'} MB`);
  return [
    entry({ name, metric: `SELECT * FROM shop.orders (1M rows) to a file, both warm (connected), statement to file complete: Hostdeck CSV through SSH (median of ${ROUNDS})`, unit: 'ms', hostdeck: h, peer: p, peerName: `mysql -B${quick <= buffered ? ' --quick' : ''} on the server (no SSH, TSV; the faster of -B and -B --quick)`, goal: '<= 1.2' }),
    entry({ name, metric: 'peak RSS of the core process during the 1M-row export (goal < 150 MB)', unit: 'MB', hostdeck: peakMb, peer: 150, peerName: 'the 150 MB budget', goal: '< 1.0' }),
  ];
}
