// The team audit on the testbed's MariaDB: two workstations (an operator and a support login)
// append at once and the chain never forks; the chain verifies; a row changed or removed by the
// database's root is found by verify; no role may UPDATE or DELETE an audit row.
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/api/db';
import { entryHash } from '../../src-main/core/db/audit-chain';
import { activateRole } from '../../src-main/core/team/roles';
import { TeamAudit } from '../../src-main/core/team/audit-chain';
import { teamSuite } from '../helpers/team-mariadb';

const fx = teamSuite('audit');

const entry = (who: string, i: number): AuditEntry => ({
  at: new Date().toISOString(),
  serverId: 'srv',
  serverName: 'web1',
  database: 'shop',
  statement: `SELECT ${i} /* ${who} */`,
  rows: 1,
  durationMs: 1,
  outcome: 'ok',
  error: null,
});

describe('team audit on MariaDB', () => {
  it('keeps one chain under concurrent writers and finds rows root changed or removed', async () => {
    const team = fx.team;
    const operator = await team.person('operator');
    const support = await team.person('support');
    await activateRole(operator.conn, team.database);
    await activateRole(support.conn, team.database);
    const failures: unknown[] = [];
    const a = new TeamAudit(operator.pool, (_e, error) => failures.push(error));
    const b = new TeamAudit(support.pool, (_e, error) => failures.push(error));
    // Two workstations appending 60 entries each, at once, each through a pool of 4 connections.
    await Promise.all([
      ...Array.from({ length: 60 }, (_, i) => a.append(entry('operator', i))),
      ...Array.from({ length: 60 }, (_, i) => b.append(entry('support', i))),
    ]);
    for (let i = 0; i < 5; i++) a.record(entry('queued', i));
    await a.flushed();
    expect(failures).toEqual([]);
    expect(await a.verify()).toEqual({ verified: 125, beforeChain: 0, torn: 0, broken: null });
    expect((await b.list(null, 3)).map((e) => e.statement)).toEqual(['SELECT 4 /* queued */', 'SELECT 3 /* queued */', 'SELECT 2 /* queued */']);

    // Neither login may rewrite history.
    for (const who of [operator, support]) {
      await expect(who.pool.query("UPDATE audit SET entry = JSON_SET(entry, '$.statement', 'x') WHERE seq = 1")).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      await expect(who.pool.query('DELETE FROM audit WHERE seq = 1')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    }

    // Root changes one row's statement: verify names it.
    await team.root.query("UPDATE audit SET entry = JSON_SET(entry, '$.statement', 'SELECT nothing') WHERE seq = 37");
    const changed = await a.verify();
    expect(changed.broken).toMatchObject({ index: 36, problem: 'changed' });
    expect(changed.verified).toBe(36);
    // Root re-hashes the changed row too: the next row's prev still gives it away.
    const [[row]] = (await team.root.query('SELECT entry FROM audit WHERE seq = 37')) as unknown as [{ entry: Record<string, unknown> }[]];
    const forged = row!.entry;
    const hash = entryHash(forged);
    await team.root.query('UPDATE audit SET hash = ?, entry = ? WHERE seq = 37', [hash, JSON.stringify({ ...forged, hash })]);
    expect((await a.verify()).broken).toMatchObject({ index: 36, problem: 'changed' });
    // Root removes a row further on: verify stops at the first break still, then at the gap once the first is gone.
    await team.root.query('DELETE FROM audit WHERE seq >= 37 AND seq <= 40');
    expect((await a.verify()).broken).toMatchObject({ index: 36, problem: 'removed' });
  });
});
