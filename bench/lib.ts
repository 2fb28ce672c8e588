// Shared types and helpers of the benchmarks (run by scripts/bench.ts, `npm run bench`).
// Every figure is a ratio against a peer measured in the same run on the same machine:
// absolute numbers on a noisy loopback mean little, ratios do.
import net from 'node:net';
import type { TestbedInfo } from '../testbed/testbed';

/** One line of bench/results.json. */
export type BenchEntry = {
  /** The bench module's name (entries of one module share it). */
  name: string;
  /** What was measured, e.g. "bulk TCP through a local forward, same cipher". */
  metric: string;
  unit: string;
  hostdeck: number;
  peer: number;
  peerName: string;
  /** Always hostdeck / peer; `goal` says which direction is better. */
  ratio: number;
  /** ">= 1.0" (higher is better, e.g. throughput), "<= 1.0" (lower is better, e.g. time), or "info". */
  goal: string;
  /** The ratio judged against the goal (see verdict()). */
  verdict: Verdict;
  /** ISO time of the measurement. */
  at: string;
};

export type Verdict = 'pass' | 'fail' | 'info';

export type BenchContext = {
  testbed: TestbedInfo;
  /** A fresh scratch directory for this bench (removed afterwards). */
  tmpDir: string;
  log: (line: string) => void;
  /** Runs fn when the harness ends, even on Ctrl+C (stop processes the bench started). */
  defer: (fn: () => unknown) => void;
};

export type BenchModule = {
  name: string;
  run: (ctx: BenchContext) => Promise<BenchEntry[]>;
};

export function entry(e: Omit<BenchEntry, 'ratio' | 'verdict' | 'at'>): BenchEntry {
  const ratio = e.peer === 0 ? Number.NaN : e.hostdeck / e.peer;
  const { name, metric, unit, hostdeck, peer, peerName, goal } = e;
  return { name, metric, unit, hostdeck, peer, peerName, ratio, goal, verdict: verdict({ ratio, goal }), at: new Date().toISOString() };
}

/**
 * The ratio against the goal: "info" for an informational goal; otherwise "pass" or "fail" — a
 * row with a goal but no finite ratio fails (a figure that could not be taken is no pass). A goal
 * that is neither "info" nor a comparison is a bench's bug.
 */
export function verdict(e: Pick<BenchEntry, 'ratio' | 'goal'>): Verdict {
  if (e.goal.trim() === 'info') return 'info';
  const m = /^\s*(>=|<=|>|<)\s*([0-9.]+)\s*$/.exec(e.goal);
  if (!m) throw new Error(`bench goal "${e.goal}" is neither "info" nor a comparison like "<= 1.0"`);
  if (!Number.isFinite(e.ratio)) return 'fail';
  const limit = Number(m[2]);
  const ok = m[1] === '>=' ? e.ratio >= limit : m[1] === '<=' ? e.ratio <= limit : m[1] === '>' ? e.ratio > limit : e.ratio < limit;
  return ok ? 'pass' : 'fail';
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The nearest-rank percentile `p` (0-100] of the values. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((s.length * p) / 100) - 1))]!;
}

/** A TCP port free on `host` right now (for a peer process or a private daemon to listen on). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
