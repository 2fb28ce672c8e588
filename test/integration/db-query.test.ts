// The SQL editor against the testbed's MariaDB through SSH: a result per statement on one
// session, the first error stops the script, the server-side cap on a 1M-row SELECT, cancel
// with KILL QUERY, and the history kept per server across a restart of the core.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResultSet } from '../../shared/api/db';
import { createCore } from '../../src-main/core/core';
import { closeDbCores, dbCore } from '../helpers/db';
import { registerSecret } from '../helpers/secrets';

type QueryOut = { results: ResultSet[]; cancelled: boolean };

afterEach(closeDbCores);

describe('SQL editor through SSH', () => {
  it('runs several statements on one session, a result each', async () => {
    const { call, server } = await dbCore('q-multi');
    const out = await call<QueryOut>('db.query', {
      queryId: randomUUID(),
      serverId: server.id,
      database: 'shop',
      sql: "SET @a = 1; SELECT @a AS a, DATABASE() AS db, NULL AS n, X'00ff' AS b, CAST(12345678901234567890 AS DECIMAL(30,0)) AS big;\nSELECT id, email FROM orders ORDER BY id LIMIT 3; USE mysql; SELECT DATABASE()",
    });
    expect(out.cancelled).toBe(false);
    expect(out.results.map((r) => r.statement)).toEqual(['SET @a = 1', "SELECT @a AS a, DATABASE() AS db, NULL AS n, X'00ff' AS b, CAST(12345678901234567890 AS DECIMAL(30,0)) AS big", 'SELECT id, email FROM orders ORDER BY id LIMIT 3', 'USE mysql', 'SELECT DATABASE()']);
    expect(out.results.every((r) => r.error === null)).toBe(true);
    const [set, sel, orders, , db] = out.results;
    expect(set!.columns).toEqual([]);
    expect(set!.affectedRows).toBe(0);
    expect(sel!.columns.map((c) => c.name)).toEqual(['a', 'db', 'n', 'b', 'big']);
    expect(sel!.rows).toEqual([['1', 'shop', null, { kind: 'binary', hex: '00ff', size: 2, truncated: false }, '12345678901234567890']]);
    expect(orders!.rows.map((r) => r[0])).toEqual([1, 2, 3]);
    expect(orders!.columns[0]!.type).toMatch(/int/);
    expect(orders!.affectedRows).toBeNull();
    expect(db!.rows).toEqual([['mysql']]);
  });

  it('stops at the first error; later statements are not run', async () => {
    const { call, server } = await dbCore('q-error');
    const out = await call<QueryOut>('db.query', { queryId: randomUUID(), serverId: server.id, database: 'shop', sql: 'SELECT 1; SELECT * FROM no_such_table; SELECT 3' });
    expect(out.results).toHaveLength(3);
    expect(out.results[0]!.error).toBeNull();
    expect(out.results[1]!.error).toMatch(/no_such_table/);
    expect(out.results[2]!.error).toMatch(/^Not run/);
    expect(out.results[2]!.rows).toEqual([]);
  });

  it('caps a 1M-row SELECT server-side, quickly and without holding the rows', async () => {
    const { call, server } = await dbCore('q-cap');
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const out = await call<QueryOut>('db.query', { queryId: randomUUID(), serverId: server.id, database: 'shop', sql: 'SELECT * FROM orders', maxRows: 1000 });
    const ms = performance.now() - started;
    const [r] = out.results;
    expect(r!.error).toBeNull();
    expect(r!.capped).toBe(true);
    expect(r!.rows).toHaveLength(1000);
    expect(ms).toBeLessThan(5000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(100 * 1024 * 1024);
    console.log(`[q-cap] 1M-row SELECT capped at 1000 rows in ${Math.round(ms)} ms`);
    // The session is still good afterwards, and an uncapped result says so.
    const small = await call<QueryOut>('db.query', { queryId: randomUUID(), serverId: server.id, database: 'shop', sql: 'SELECT id FROM orders LIMIT 1000', maxRows: 1000 });
    expect(small.results[0]!.capped).toBe(false);
    expect(small.results[0]!.rows).toHaveLength(1000);
  });

  it('cancels SELECT SLEEP(30) with KILL QUERY within about a second', async () => {
    const { call, server } = await dbCore('q-cancel');
    const queryId = randomUUID();
    const running = call<QueryOut>('db.query', { queryId, serverId: server.id, database: null, sql: 'SELECT SLEEP(30); SELECT 2' });
    await new Promise((r) => setTimeout(r, 1000));
    const cancelAt = performance.now();
    await call('db.cancel', { queryId });
    const out = await running;
    const latency = performance.now() - cancelAt;
    console.log(`[q-cancel] SLEEP(30) ended ${Math.round(latency)} ms after cancel`);
    expect(latency).toBeLessThan(1000);
    expect(out.cancelled).toBe(true);
    // MariaDB ends a killed SLEEP either with an interrupted error or with the value 1.
    expect(out.results[0]!.error === 'Cancelled.' || JSON.stringify(out.results[0]!.rows) === '[["1"]]' || JSON.stringify(out.results[0]!.rows) === '[[1]]').toBe(true);
    expect(out.results[1]!.error).toMatch(/^Not run/);
  });

  it('keeps the history per server, newest first, masked, across a restart', async () => {
    const { call, server, core, dataDir, home } = await dbCore('q-history');
    await call('db.query', { queryId: randomUUID(), serverId: server.id, database: 'shop', sql: 'SELECT 1' });
    registerSecret('password in an SQL statement (history)', 'hd-history-secret-1');
    await call('db.query', { queryId: randomUUID(), serverId: server.id, database: null, sql: "ALTER USER 'nobody_hd'@'%' IDENTIFIED BY 'hd-history-secret-1'" });
    await core.close();
    const again = await createCore({ dataDir, homeDir: home, log: () => undefined });
    try {
      const r = await again.call('db.history', { serverId: server.id });
      if (!r.ok) throw new Error(r.error.message);
      const history = r.output as { at: string; database: string | null; sql: string }[];
      expect(history.map((h) => h.sql)).toEqual(["ALTER USER 'nobody_hd'@'%' IDENTIFIED BY '***'", 'SELECT 1']);
      expect(history[1]!.database).toBe('shop');
      expect(readFileSync(path.join(dataDir, 'sql-history', `${server.id}.jsonl`), 'utf8')).not.toContain('hd-history-secret-1');
    } finally {
      await again.close();
    }
  });
});
