// The README's benchmark table and bench/results.json say the same: every row of results.json
// (failing ones included) in the table, in order, with its name, metric and verdict — the
// verdict being the ratio judged against the goal, whatever results.json stored.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdict, type BenchEntry } from '../../bench/lib';
import { readTable, renderTable, storedVerdict, TABLE_END, TABLE_START, withTable } from '../../bench/table';

const ROOT = path.resolve(import.meta.dirname, '../..');
const results = JSON.parse(readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8')) as BenchEntry[];
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('bench table', () => {
  it('has every row of results.json, in order, with its name, metric and verdict', () => {
    const table = readTable(readme);
    expect(table.length).toBe(results.length);
    expect(table.map((r) => r.name)).toEqual(results.map((e) => e.name));
    expect(table.map((r) => r.metric)).toEqual(results.map((e) => e.metric));
    expect(table.map((r) => r.verdict)).toEqual(results.map((e) => storedVerdict(e)));
  });

  it('stores in results.json the verdict its goal gives', () => {
    for (const e of results) expect(`${e.name}: ${e.metric}: ${e.verdict}`).toBe(`${e.name}: ${e.metric}: ${storedVerdict(e)}`);
  });

  it('is the table the runner would write now', () => {
    expect(withTable(readme, results)).toBe(readme);
  });

  it('judges a ratio against its goal', () => {
    expect(verdict({ ratio: 0.5, goal: '<= 0.5' })).toBe('pass');
    expect(verdict({ ratio: 0.51, goal: '<= 0.5' })).toBe('fail');
    expect(verdict({ ratio: 1, goal: '< 1.0' })).toBe('fail');
    expect(verdict({ ratio: 1.2, goal: '>= 1.0' })).toBe('pass');
    expect(verdict({ ratio: 9, goal: 'info' })).toBe('info');
    // A goal without a figure is no pass.
    expect(verdict({ ratio: Number.NaN, goal: '<= 1.0' })).toBe('fail');
    expect(() => verdict({ ratio: 1, goal: 'fast' })).toThrow(/neither/);
  });

  it('reads back what it renders, a failing row and a | in a metric included', () => {
    const rows: BenchEntry[] = [
      { name: 'a', metric: 'x | y', unit: 'ms', hostdeck: 2, peer: 1, peerName: 'p', ratio: 2, goal: '<= 1.0', verdict: 'fail', at: '' },
      { name: 'b', metric: 'z', unit: 'ms', hostdeck: 1, peer: 2, peerName: 'q', ratio: 0.5, goal: 'info', verdict: 'info', at: '' },
    ];
    const text = withTable(`x\n${TABLE_START}\n${TABLE_END}\ny`, rows);
    expect(text).toContain(renderTable(rows));
    expect(readTable(text)).toEqual([
      { name: 'a', metric: 'x | y', verdict: 'fail' },
      { name: 'b', metric: 'z', verdict: 'info' },
    ]);
  });
});
