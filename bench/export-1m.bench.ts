// Export shop.orders (1M rows) to CSV through SSH with Hostdeck's db.export vs the stock client
// `mysql -B` on the server itself (no SSH; bench/mysql-peer.ts). Goal: within 1.2x of its time.
// The export runs in a separate Node process running a core (like the app's core process), whose
// RSS is sampled every 50 ms: the second entry is its peak, goal < 150 MB (memory flat in rows).
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { mysqlBatchExport } from './mysql-peer';
import { entry, median, type BenchContext, type BenchEntry } from './lib';
import { REPO } from '../test/servers/util';
import { TESTBED_JSON } from '../test/servers/testbed';

export const name = 'export-1m';
const ROUNDS = 3;

/** The child: a core with web1 and its MariaDB access, one export, its own RSS peak. */
const CHILD = String.raw`
import { createCore } from './src-main/core/core';
import { knownHostsName } from './src-main/core/ssh/host-key';
import { loadTestbed } from './test/servers/testbed';
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
const [dir, out, rounds] = process.argv.slice(2);
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
const times = [];
for (let i = 0; i < Number(rounds); i++) {
  const t0 = performance.now();
  const r = await call('db.export', { jobId: crypto.randomUUID(), serverId: server.id, database: 'shop', source: { table: 'orders' }, format: 'csv', path: out });
  times.push(performance.now() - t0);
  if (r.rows !== 1000000) throw new Error('rows ' + r.rows);
}
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage.rss());
process.stdout.write(JSON.stringify({ times, peak }) + '\n');
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
  const result = await new Promise<{ times: number[]; peak: number }>((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, tmpDir, out, String(ROUNDS)], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOSTDECK_TESTBED: TESTBED_JSON } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`export child exited ${code}: ${stderr.slice(-2000)}`));
      resolve(JSON.parse(line) as { times: number[]; peak: number });
    });
  });
  const peerTimes: number[] = [];
  let peerRss: number | null = null;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const r = await mysqlBatchExport(testbed, 'SET NAMES utf8mb4; SELECT * FROM shop.orders', path.join(tmpDir, 'orders.tsv'));
    peerTimes.push(performance.now() - t0);
    peerRss = r.maxRssKb;
  }
  const h = median(result.times);
  const p = median(peerTimes);
  const peakMb = result.peak / (1 << 20);
  ctx.log(`export 1M rows to CSV, median of ${ROUNDS}: Hostdeck through SSH ${h.toFixed(0)} ms (${result.times.map((t) => t.toFixed(0)).join(', ')}), mysql -B on the server ${p.toFixed(0)} ms; core peak RSS ${peakMb.toFixed(0)} MB, mysql client ${peerRss ? (peerRss / 1024).toFixed(0) : '?'} MB`);
  return [
    entry({ name, metric: `SELECT * FROM shop.orders (1M rows) to a file: Hostdeck CSV through SSH vs mysql -B on the server (median of ${ROUNDS})`, unit: 'ms', hostdeck: h, peer: p, peerName: 'mysql -B on the server (no SSH, TSV)', goal: '<= 1.2' }),
    entry({ name, metric: 'peak RSS of the core process during the 1M-row export (goal < 150 MB)', unit: 'MB', hostdeck: peakMb, peer: 150, peerName: 'the 150 MB budget', goal: '< 1.0' }),
  ];
}
