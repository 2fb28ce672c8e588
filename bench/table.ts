// The README's benchmark table, generated from bench/results.json (scripts/bench.ts writes both;
// `tsx scripts/bench.ts --table` regenerates the table alone), and read back by the unit test
// that holds the two together (test/unit/bench-table.test.ts): every row, its verdict included.
import { verdict, type BenchEntry, type Verdict } from './lib';

export const TABLE_START = '<!-- bench-table: generated from bench/results.json by scripts/bench.ts, do not edit -->';
export const TABLE_END = '<!-- /bench-table -->';

const HEAD = ['bench', 'metric', 'Hostdeck', 'peer', 'ratio', 'goal', 'verdict'];

/** A figure with about three significant digits. */
export function fmt(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 10 ? n.toFixed(1) : abs >= 1 ? n.toFixed(2) : n.toFixed(3);
}

/** JSON turns a NaN ratio into null; the verdict of a row read back from results.json. */
export function storedVerdict(e: BenchEntry): Verdict {
  return verdict({ ratio: e.ratio ?? Number.NaN, goal: e.goal });
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(entries: BenchEntry[]): string {
  const rows = entries.map((e) => [
    e.name,
    e.metric,
    `${fmt(e.hostdeck)} ${e.unit}`,
    `${fmt(e.peer)} ${e.unit} ${e.peerName}`,
    fmt(e.ratio),
    e.goal,
    e.verdict === 'fail' ? '**fail**' : e.verdict,
  ]);
  return [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** README text with the table between the markers replaced (the markers must be there). */
export function withTable(readme: string, entries: BenchEntry[]): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no benchmark table markers (${TABLE_START} … ${TABLE_END})`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderTable(entries)}\n${readme.slice(end)}`;
}

export type TableRow = { name: string; metric: string; verdict: string };

/** The rows of the README's generated table (the cells a reader checks against results.json). */
export function readTable(readme: string): TableRow[] {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('README.md has no benchmark table markers');
  const lines = readme
    .slice(start + TABLE_START.length, end)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2); // header and separator
  return lines.map((line) => {
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
    return { name: cells[0] ?? '', metric: cells[1] ?? '', verdict: (cells[6] ?? '').replace(/\*/g, '') };
  });
}
