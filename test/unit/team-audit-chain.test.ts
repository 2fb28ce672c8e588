// The audit's hash chain: entries written through AuditLog verify; a changed field, a deleted
// line, reordered or inserted lines are found and named; lines from before the chain started and
// a torn line are not failures; several processes appending never fork the chain.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src-main/core/db/audit';
import { canonical, chain, entryHash, GENESIS, verifyChain } from '../../src-main/core/db/audit-chain';
import type { AuditEntry } from '../../shared/api/db';

let dir: string;
let log: AuditLog;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'hd-audit-'));
  log = new AuditLog(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function entry(i: number): AuditEntry {
  return { at: new Date(Date.UTC(2026, 11, 7, 3, 0, i)).toISOString(), serverId: 's1', serverName: 'web1', database: 'shop', statement: `SELECT ${i}`, rows: i, durationMs: 1, outcome: 'ok', error: null };
}

const lines = () => readFileSync(log.file, 'utf8').split('\n').filter(Boolean);
const rewrite = (ls: string[]) => writeFileSync(log.file, `${ls.join('\n')}\n`);

function write(n: number): void {
  for (let i = 0; i < n; i++) log.record(entry(i));
}

describe('audit chain', () => {
  it('canonical form sorts keys at every level and ignores undefined', () => {
    expect(canonical({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(entryHash({ a: 1, b: 2 })).toBe(entryHash({ b: 2, a: 1 }));
  });

  it('links each entry to the one before', () => {
    write(3);
    const parsed = lines().map((l) => JSON.parse(l) as AuditEntry & { seq: number; prev: string; hash: string });
    expect(parsed.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(parsed[0]!.prev).toBe(GENESIS);
    expect(parsed[1]!.prev).toBe(parsed[0]!.hash);
    expect(parsed[2]!.prev).toBe(parsed[1]!.hash);
    expect(log.verifyFile()).toEqual({ verified: 3, beforeChain: 0, torn: 0, broken: null });
  });

  it('masks passwords before hashing, so the stored line verifies', () => {
    log.record({ ...entry(0), statement: "CREATE USER 'u'@'%' IDENTIFIED BY 'hunter2'" });
    expect(readFileSync(log.file, 'utf8')).not.toContain('hunter2');
    expect(log.verifyFile().broken).toBeNull();
  });

  it('finds a changed field', () => {
    write(5);
    const ls = lines();
    ls[2] = ls[2]!.replace('SELECT 2', 'SELECT 9');
    rewrite(ls);
    const v = log.verifyFile();
    expect(v.broken).toMatchObject({ index: 2, problem: 'changed', at: entry(2).at });
    expect(v.verified).toBe(2);
  });

  it('finds a changed entry that was re-hashed (the next entry recorded another hash)', () => {
    write(4);
    const ls = lines();
    const e = JSON.parse(ls[1]!) as Record<string, unknown>;
    const forged = { ...e, outcome: 'error' };
    rewrite([ls[0]!, JSON.stringify({ ...forged, hash: entryHash(forged) }), ls[2]!, ls[3]!]);
    expect(log.verifyFile().broken).toMatchObject({ index: 1, problem: 'changed' });
  });

  it('finds a deleted line, the first line deleted too', () => {
    write(5);
    const ls = lines();
    rewrite([ls[0]!, ls[1]!, ls[3]!, ls[4]!]);
    expect(log.verifyFile().broken).toMatchObject({ index: 2, problem: 'removed', at: entry(3).at });
    rewrite(ls.slice(1));
    expect(log.verifyFile().broken).toMatchObject({ index: 0, problem: 'removed' });
  });

  it('finds reordered lines', () => {
    write(5);
    const ls = lines();
    rewrite([ls[0]!, ls[2]!, ls[1]!, ls[3]!, ls[4]!]);
    expect(log.verifyFile().broken).toMatchObject({ index: 1, problem: 'reordered' });
  });

  it('finds an inserted line, even one chained after its predecessor', () => {
    write(3);
    const ls = lines();
    const first = JSON.parse(ls[0]!) as { seq: number; prev: string; hash: string };
    const forged = chain({ ...entry(7) } as Record<string, unknown>, first);
    rewrite([ls[0]!, JSON.stringify(forged), ls[1]!, ls[2]!]);
    expect(log.verifyFile().broken).toMatchObject({ index: 1, problem: 'inserted' });
  });

  it('reports lines of an earlier version as before the chain started, not as failures', () => {
    writeFileSync(log.file, `${JSON.stringify(entry(0))}\n${JSON.stringify(entry(1))}\n`);
    write(2);
    expect(log.verifyFile()).toEqual({ verified: 2, beforeChain: 2, torn: 0, broken: null });
  });

  it('starts a fresh line after a torn one and skips it', () => {
    write(2);
    appendFileSync(log.file, '{"at":"2026-12-07T03:');
    write(2);
    const v = log.verifyFile();
    expect(v).toEqual({ verified: 4, beforeChain: 0, torn: 1, broken: null });
  });

  it('takes the head written by another AuditLog on the same file (another process)', () => {
    const other = new AuditLog(dir);
    log.record(entry(0));
    other.record(entry(1));
    log.record(entry(2));
    expect(log.verifyFile()).toEqual({ verified: 3, beforeChain: 0, torn: 0, broken: null });
  });

  it('finds the head past a line longer than one read chunk', () => {
    log.record({ ...entry(0), statement: `SELECT '${'é'.repeat(100_000)}'` });
    write(1);
    log.record({ ...entry(2), statement: `SELECT '${'x'.repeat(200_000)}'` });
    new AuditLog(dir).record(entry(3));
    expect(log.verifyFile()).toMatchObject({ verified: 4, broken: null });
  });

  it('does not fork when several processes append at once', () => {
    const script = `import { AuditLog } from ${JSON.stringify(path.resolve('src-main/core/db/audit.ts'))};
      const log = new AuditLog(process.argv[2]);
      for (let i = 0; i < 200; i++) log.record({ at: new Date().toISOString(), serverId: 's', serverName: 'n', database: null, statement: 'SELECT ' + process.pid, rows: null, durationMs: 0, outcome: 'ok', error: null });`;
    const file = path.join(dir, 'writer.mts');
    writeFileSync(file, script);
    const tsx = path.resolve('node_modules/.bin/tsx');
    execFileSync('sh', ['-c', `for i in 1 2 3 4; do "${tsx}" "${file}" "${dir}" & done; wait`]);
    expect(log.verifyFile()).toEqual({ verified: 800, beforeChain: 0, torn: 0, broken: null });
  }, 60_000);

  it('verifyChain names truncation against a recorded head', () => {
    write(3);
    const ls = lines();
    const head = JSON.parse(ls[2]!) as { seq: number; prev: string; hash: string };
    const read = ls.slice(0, 2).map((l) => ({ value: JSON.parse(l) as Record<string, unknown> }));
    expect(verifyChain(read, head).broken).toMatchObject({ problem: 'removed' });
  });
});
