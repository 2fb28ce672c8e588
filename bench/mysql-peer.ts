// The stock MariaDB client as a benchmark peer: `mysql -B -e SQL > file` through the testbed's
// socket (on the server itself, no SSH), e.g. for "export 1M rows". Measured once for
// SELECT * FROM shop.orders: 1.00 s, 204 MB RSS (the client buffers the whole result unless --quick).
//
//   mysqlBatchExport(testbed, 'SELECT * FROM shop.orders', '/tmp/x/orders.tsv')
//     -> { ms, file, bytes, lines, maxRssKb }      a cold start: spawn to exit (lines counted after)
//   mysqlWarmExport(testbed, sql, outFile, { quick }) -> { ms, bytes }
//                                                  the client already running and connected
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { TestbedInfo } from '../testbed/testbed';

export interface BatchExportResult {
  /** Wall time from spawn to exit, ms. */
  ms: number;
  /** The output file (tab-separated, a header line first; mysql -B escapes \t \n \\ and NUL). */
  file: string;
  bytes: number;
  /** Lines in the file (rows + 1 header line). */
  lines: number;
  /** The client's peak resident memory (KiB), from /usr/bin/time; null when that is missing. */
  maxRssKb: number | null;
}

const TIME = '/usr/bin/time';

/**
 * Runs `mysql --no-defaults --socket=… -u admin -B -e sql` with stdout to outFile (the password in
 * MYSQL_PWD, not on the command line). quick: add --quick (row by row instead of the whole result
 * in memory first). Rejects with mysql's stderr on failure.
 */
export async function mysqlBatchExport(testbed: TestbedInfo, sql: string, outFile: string, opts: { quick?: boolean; database?: string } = {}): Promise<BatchExportResult> {
  const m = testbed.mariadb;
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const args = ['--no-defaults', `--socket=${m.socket}`, '-u', m.adminUser, '-B', ...(opts.quick ? ['--quick'] : []), ...(opts.database ? [opts.database] : []), '-e', sql];
  const withTime = fs.existsSync(TIME);
  const rssFile = path.join(os.tmpdir(), `hostdeck-mysql-rss-${process.pid}-${Date.now()}`);
  const [cmd, argv] = withTime ? [TIME, ['-f', '%M', '-o', rssFile, 'mysql', ...args]] : ['mysql', args];
  const out = fs.openSync(outFile, 'w');
  let stderr = '';
  const t0 = performance.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', out, 'pipe'], env: { ...process.env, MYSQL_PWD: m.adminPassword } });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const ms = performance.now() - t0;
  fs.closeSync(out);
  let maxRssKb: number | null = null;
  if (withTime) {
    maxRssKb = Number.parseInt(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop() ?? '', 10) || null;
    fs.rmSync(rssFile, { force: true });
  }
  if (code !== 0) throw new Error(`mysql -B exited ${code}: ${stderr.trim()}`);
  return { ms, file: outFile, bytes: fs.statSync(outFile).size, lines: await countLines(outFile), maxRssKb };
}

/**
 * The same client warm, as a Hostdeck export finds its connection: `mysql -B` is started with
 * stdout to outFile and the statement still to come on its stdin; once it is connected (its
 * `\!` shell escape echoing to stderr, a command it reads only after connecting) the clock
 * starts, the statement is written and stdin closed. Timed to the client's exit: the file is
 * complete (flushed and closed) then and not before.
 */
export async function mysqlWarmExport(testbed: TestbedInfo, sql: string, outFile: string, opts: { quick?: boolean } = {}): Promise<{ ms: number; bytes: number }> {
  const m = testbed.mariadb;
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const args = ['--no-defaults', `--socket=${m.socket}`, '-u', m.adminUser, '-B', ...(opts.quick ? ['--quick'] : [])];
  const out = fs.openSync(outFile, 'w');
  const child = spawn('mysql', args, { stdio: ['pipe', out, 'pipe'], env: { ...process.env, MYSQL_PWD: m.adminPassword } });
  fs.closeSync(out);
  let stderr = '';
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const ready = new Promise<void>((resolve) =>
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.includes('__ready__')) resolve();
    }),
  );
  child.stdin!.write('\\! echo __ready__ >&2\n');
  const code0 = await Promise.race([ready.then(() => null), exited]);
  if (code0 !== null) throw new Error(`mysql -B exited ${code0} before it was ready: ${stderr.trim()}`);
  const t0 = performance.now();
  child.stdin!.end(`${sql};\n`);
  const code = await exited;
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`mysql -B exited ${code}: ${stderr.trim()}`);
  return { ms, bytes: fs.statSync(outFile).size };
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of fs.createReadStream(file)) {
    const buf = chunk as Buffer;
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  }
  return n;
}
