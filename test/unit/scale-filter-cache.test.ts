// The pure parts of the big-fleet work: the fleet list's search, filters and grouping, and the
// data-file read cache (read again exactly when the file changes).
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerHealth } from '../../shared/api/health';
import type { Server } from '../../shared/domain';
import { allTags, filterFleet, fleetRows, NO_FILTERS, prepare } from '../../src-renderer/components/fleet-filter';
import { readCached } from '../../src-main/core/read-cache';

const server = (id: string, name: string, tags: string[], roles: Server['roles'], host = '10.0.0.1'): Server => ({
  id, name, host, port: 22, user: 'root', auth: { method: 'agent' }, roles, tags, hasSecret: false,
});

const fleet = [
  server('a', 'web-b', ['fra1', 'shared'], ['web']),
  server('b', 'db-a', ['fra1'], ['db'], '10.0.0.7'),
  server('c', 'ns-1', [], ['ns']),
  server('d', 'web-a', ['ams3'], ['web', 'db']),
];
const health = (status: ServerHealth['status']) => ({ status }) as ServerHealth;

describe('the fleet list', () => {
  it('searches name, host, tags and roles, case-insensitively, in name order', () => {
    const p = prepare(fleet);
    expect(filterFleet(p, 'WEB', NO_FILTERS, {}).map((s) => s.name)).toEqual(['web-a', 'web-b']);
    expect(filterFleet(p, '10.0.0.7', NO_FILTERS, {}).map((s) => s.id)).toEqual(['b']);
    expect(filterFleet(p, ' shared ', NO_FILTERS, {}).map((s) => s.id)).toEqual(['a']);
    expect(filterFleet(p, 'db', NO_FILTERS, {}).map((s) => s.id)).toEqual(['b', 'd']);
  });

  it('filters by role, tag and health (no result yet counts as unknown)', () => {
    const p = prepare(fleet);
    expect(filterFleet(p, '', { ...NO_FILTERS, role: 'db' }, {}).map((s) => s.id)).toEqual(['b', 'd']);
    expect(filterFleet(p, '', { ...NO_FILTERS, role: 'db', tag: 'fra1' }, {}).map((s) => s.id)).toEqual(['b']);
    const byServer = { a: health('down'), b: health('ok') };
    expect(filterFleet(p, '', { ...NO_FILTERS, health: 'down' }, byServer).map((s) => s.id)).toEqual(['a']);
    expect(filterFleet(p, '', { ...NO_FILTERS, health: 'unknown' }, byServer).map((s) => s.id).sort()).toEqual(['c', 'd']);
  });

  it('groups by first tag, untagged last, a title row before each group', () => {
    const rows = fleetRows(filterFleet(prepare(fleet), '', NO_FILTERS, {}));
    expect(rows.map((r) => (r.kind === 'group' ? `[${r.tag} ${r.count}]` : r.server.name))).toEqual(['[ams3 1]', 'web-a', '[fra1 2]', 'db-a', 'web-b', '[untagged 1]', 'ns-1']);
    expect(allTags(fleet)).toEqual(['ams3', 'fra1', 'shared']);
  });
});

describe('readCached', () => {
  it('reads once per change of the file, and every time while it is missing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'read-cache-'));
    const file = path.join(dir, 'data.json');
    let reads = 0;
    const read = readCached(file, () => ++reads);
    expect([read(), read()]).toEqual([1, 2]); // missing: not kept
    writeFileSync(file, '{"a":1}');
    expect([read(), read(), read()]).toEqual([3, 3, 3]);
    writeFileSync(file, '{"a":22}'); // another size
    expect(read()).toBe(4);
    // An atomic write (a new file renamed over it, as conf does) of the same size.
    writeFileSync(`${file}.tmp`, '{"a":33}');
    renameSync(`${file}.tmp`, file);
    expect([read(), read()]).toEqual([5, 5]);
    rmSync(dir, { recursive: true, force: true });
  });
});
