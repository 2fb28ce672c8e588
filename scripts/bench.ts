// `npm run bench` (after the build): every bench/*.bench.ts against the loopback testbed.
//
//   tsx scripts/bench.ts [NAME]     e.g. `npm run bench -- tunnel-throughput`
//   tsx scripts/bench.ts --table    only regenerate README.md's table from bench/results.json
//
// Starts the testbed (or reuses a running one) under a lease of its own and releases it at the
// end, runs the benches one after another, prints a table and writes bench/results.json and the
// table in README.md (every row with its verdict; test/unit/bench-table.test.ts checks the two
// agree). With a NAME only that bench runs and its entries replace the ones of the same name in
// results.json. A full run gives every bench a process of its own (this script again, with
// `--child NAME FILE`: the entries go to FILE): in one process a bench inherited the heap, workers
// and handles of the ones before it, and the core under test with them (upload-tree's Hostdeck
// side took 1.6-2.0 s there against 1.3-1.5 s alone, rsync 1.7-1.9 against 1.5-1.7 s).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchContext, BenchEntry, BenchModule } from '../bench/lib';
import { fmt, storedVerdict, withTable } from '../bench/table';
import { releaseTestbed, startTestbed } from '../testbed/testbed';
import { REPO } from '../testbed/util';

const BENCH_DIR = path.join(REPO, 'bench');
const RESULTS = path.join(BENCH_DIR, 'results.json');
const README = path.join(REPO, 'README.md');
const log = (line: string): void => console.log(`[bench] ${line}`);

type Loaded = BenchModule & { file: string };

async function loadBenches(): Promise<Loaded[]> {
  const files = fs
    .readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const loaded: Loaded[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as Partial<BenchModule>;
    if (typeof mod.name !== 'string' || typeof mod.run !== 'function') throw new Error(`bench/${file} must export name and run(ctx)`);
    loaded.push({ name: mod.name, run: mod.run, file });
  }
  return loaded;
}

function printTable(entries: BenchEntry[]): void {
  const head = ['name', 'metric', 'unit', 'hostdeck', 'peer', 'peerName', 'ratio', 'goal', 'verdict'];
  const rows = entries.map((e) => [e.name, e.metric, e.unit, fmt(e.hostdeck), fmt(e.peer), e.peerName, Number.isFinite(e.ratio) ? e.ratio.toFixed(2) : '-', e.goal, e.verdict]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([3, 4, 6]);
  const line = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log();
}

function readResults(): BenchEntry[] {
  try {
    const data = JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as unknown;
    // The verdict is recomputed from goal and ratio: a stored one cannot drift from them.
    return Array.isArray(data) ? (data as BenchEntry[]).map((e) => ({ ...e, verdict: storedVerdict(e) })) : [];
  } catch {
    return [];
  }
}

/** The stored entries with those of `names` replaced by `fresh`, where they stood (else at the end). */
function merge(stored: BenchEntry[], fresh: BenchEntry[], names: Set<string>): BenchEntry[] {
  const at = stored.findIndex((e) => names.has(e.name));
  const kept = stored.filter((e) => !names.has(e.name));
  const before = at < 0 ? kept.length : stored.slice(0, at).filter((e) => !names.has(e.name)).length;
  return [...kept.slice(0, before), ...fresh, ...kept.slice(before)];
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function writeResults(entries: BenchEntry[]): void {
  writeAtomically(RESULTS, `${JSON.stringify(entries, null, 2)}\n`);
  writeAtomically(README, withTable(fs.readFileSync(README, 'utf8'), entries));
}

/** A full run's bench in a process of its own; its entries, or null when it failed. */
function runInChild(bench: Loaded): BenchEntry[] | null {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hostdeck-bench-child-')), 'entries.json');
  try {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, '--child', bench.name, out], { stdio: 'inherit' });
    if (child.status !== 0 || !fs.existsSync(out)) return null;
    return JSON.parse(fs.readFileSync(out, 'utf8')) as BenchEntry[];
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const child = process.argv[2] === '--child' ? { out: process.argv[4]! } : null;
  const only = child ? process.argv[3] : process.argv[2];
  if (only === '--table') {
    writeResults(readResults());
    log(`wrote README.md's table from ${path.relative(REPO, RESULTS)}`);
    return 0;
  }
  const all = await loadBenches();
  const chosen = only ? all.filter((b) => b.name === only || b.file === only || b.file === `${only}.bench.ts`) : all;
  if (only && chosen.length === 0) {
    console.error(`[bench] no bench named ${only}; known: ${all.map((b) => b.name).join(', ') || '(none)'}`);
    return 2;
  }

  const leaseId = `bench-${process.pid}`;
  const deferred: (() => unknown)[] = [];
  let leased = false;
  let cleaned: Promise<void> | null = null;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      for (const fn of deferred.splice(0).reverse()) {
        try {
          await fn();
        } catch {
          /* best effort */
        }
      }
      if (leased) {
        const others = await releaseTestbed(leaseId).catch((e: Error) => {
          console.error(`[bench] testbed release failed: ${e.message}`);
          return [];
        });
        log(others.length ? `testbed left running for: ${others.join(', ')}` : 'testbed stopped');
      }
    })());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      log(`${sig}: stopping`);
      void cleanup().then(() => process.exit(130));
    });
  }

  try {
    const t0 = Date.now();
    const testbed = await startTestbed({ lease: { id: leaseId, pid: process.pid } });
    leased = true;
    log(`testbed ready (${Date.now() - t0} ms)`);

    const fresh: BenchEntry[] = [];
    const failed: string[] = [];
    for (const bench of chosen) {
      if (!only) {
        const entries = runInChild(bench);
        if (entries) fresh.push(...entries);
        else failed.push(bench.name);
        continue;
      }
      const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), `hostdeck-bench-${bench.name}-`));
      const ctx: BenchContext = {
        testbed,
        tmpDir,
        log: (line) => log(`${bench.name}: ${line}`),
        defer: (fn) => deferred.push(fn),
      };
      deferred.push(() => fs.rmSync(tmpDir, { recursive: true, force: true }));
      const t = Date.now();
      log(`${bench.name}: running`);
      try {
        const entries = await bench.run(ctx);
        for (const e of entries) if (e.name !== bench.name) throw new Error(`bench/${bench.file}: entry named ${e.name}, expected ${bench.name}`);
        log(`${bench.name}: done (${((Date.now() - t) / 1000).toFixed(1)} s)`);
        fresh.push(...entries);
      } catch (e) {
        // One broken bench does not cost the others' figures of a long run; the run still fails.
        console.error(`[bench] ${bench.name} FAILED: ${(e as Error).stack ?? String(e)}`);
        failed.push(bench.name);
      }
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }

    if (child) {
      if (failed.length > 0) return 1;
      writeAtomically(child.out, JSON.stringify(fresh));
      return 0;
    }
    printTable(fresh);
    const names = new Set(chosen.filter((b) => !failed.includes(b.name)).map((b) => b.name));
    const results = only || failed.length > 0 ? merge(readResults(), fresh, names) : fresh;
    writeResults(results);
    log(`wrote ${path.relative(REPO, RESULTS)} (${results.length} entries) and README.md's table`);
    if (failed.length > 0) {
      log(`FAILED: ${failed.join(', ')} (their rows are the ones stored before this run)`);
      return 1;
    }
    return 0;
  } catch (e) {
    console.error(`[bench] ${(e as Error).stack ?? String(e)}`);
    return 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
