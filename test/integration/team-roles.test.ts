// Team roles enforced by the testbed's MariaDB (a team schema and accounts of this test's own):
// each role's login gets its role from the server; what a role may not write the server refuses
// (ER_TABLEACCESS_DENIED_ERROR), the audit table refuses UPDATE and DELETE to every role, an
// account an admin made works the same, support mode follows the server's role, and hostile
// account names and hosts are refused before anything reaches the server.
import { describe, expect, it } from 'vitest';
import type { RowDataPacket } from 'mysql2';
import { PeopleChange, type TeamRole } from '../../shared/api/team-admin';
import { DEFAULT_SETTINGS } from '../../shared/domain';
import { quoteString } from '../../src-main/core/db/account-sql';
import { activateRole, currentRole, grantedRole, listPeople, peopleStatements } from '../../src-main/core/team/roles';
import { roleSupportMode, TeamRoleWatch } from '../../src-main/core/team/support-mode';
import { registerSecret } from '../helpers/secrets';
import { teamSuite } from '../helpers/team-mariadb';

const fx = teamSuite('roles');

/** The server's verdict on one statement: 'ok' or the error code. */
async function attempt(db: { query(sql: string, values?: unknown[]): Promise<unknown> }, sql: string, values: unknown[] = []): Promise<string> {
  try {
    await db.query(sql, values);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const DENIED = 'ER_TABLEACCESS_DENIED_ERROR';
const writes = {
  servers: "INSERT INTO servers (id, data, updated_by) VALUES (UUID(), '{}', 'x')",
  sites: "INSERT INTO sites (id, data, updated_by) VALUES (UUID(), '{}', 'x')",
  zones: "INSERT INTO zones (id, data, updated_by) VALUES (UUID(), '{}', 'x')",
  queue: "INSERT INTO queue_events (server_id, event, author) VALUES ('s', '{}', 'x')",
  roles: "INSERT INTO roles (user, host, role, granted_by) VALUES (UUID(), '%', 'admin', 'x')",
  auditUpdate: "UPDATE audit SET hash = REPEAT('0', 64)",
  auditDelete: 'DELETE FROM audit',
  siteUpdate: "UPDATE sites SET version = version + 1 WHERE id = 'none'",
};

describe('team roles on MariaDB', () => {
  it('gives each login its role from the server and refuses what the role may not write', async () => {
    const team = fx.team;
    const expected: Record<TeamRole, Record<keyof typeof writes, string>> = {
      admin: { servers: 'ok', sites: 'ok', zones: 'ok', queue: 'ok', roles: 'ok', auditUpdate: DENIED, auditDelete: DENIED, siteUpdate: 'ok' },
      operator: { servers: DENIED, sites: 'ok', zones: DENIED, queue: 'ok', roles: DENIED, auditUpdate: DENIED, auditDelete: DENIED, siteUpdate: 'ok' },
      dns: { servers: DENIED, sites: DENIED, zones: 'ok', queue: DENIED, roles: DENIED, auditUpdate: DENIED, auditDelete: DENIED, siteUpdate: DENIED },
      support: { servers: DENIED, sites: DENIED, zones: DENIED, queue: DENIED, roles: DENIED, auditUpdate: DENIED, auditDelete: DENIED, siteUpdate: DENIED },
    };
    for (const role of ['admin', 'operator', 'dns', 'support'] as const) {
      const p = await team.person(role);
      // Before its first login the account has the role granted but not as its default: no privilege at all.
      expect(await attempt(p.conn, `SELECT COUNT(*) FROM \`${team.database}\`.sites`)).toBe(DENIED);
      expect(await activateRole(p.conn, team.database)).toEqual({ user: p.user, host: p.host, role, superuser: false });
      // Every later connection has it by default.
      expect(await currentRole(p.pool, team.database)).toBe(role);
      const got: Record<string, string> = {};
      for (const [name, sql] of Object.entries(writes)) got[name] = await attempt(p.pool, sql);
      expect({ role, ...got }).toEqual({ role, ...expected[role] });
      expect(await attempt(p.pool, 'SELECT COUNT(*) FROM audit')).toBe('ok');
      expect(await attempt(p.pool, "INSERT INTO audit (seq, entry, prev, hash) VALUES (1000000 + FLOOR(RAND() * 1000000), '{}', '', '')")).toBe('ok');
    }
  });

  it('lets an admin it made create, re-role and remove accounts; the admin still cannot change the audit', async () => {
    const team = fx.team;
    const admin = await team.person('admin');
    await activateRole(admin.conn, team.database);
    const user = `${team.prefix}_made`;
    const password = 'Made-by-admin-9f3k2';
    registerSecret('team made account', password);
    const run = async (change: PeopleChange, current: TeamRole | null) => {
      for (const s of peopleStatements(team.database, change, change.action === 'create' ? quoteString(password, false) : null, current)) await admin.pool.query(s);
    };
    await run({ action: 'create', user, host: '127.0.0.1', role: 'support', password }, null);
    const made = await team.login(user, password);
    expect((await activateRole(made.conn, team.database)).role).toBe('support');
    expect(await attempt(made.pool, writes.sites)).toBe(DENIED);
    const people = await listPeople(team.root);
    expect(people.find((p) => p.user === user)).toMatchObject({ host: '127.0.0.1', role: 'support', grantedBy: `${admin.user}@127.0.0.1` });

    await run({ action: 'role', user, host: '127.0.0.1', role: 'operator' }, 'support');
    const again = await team.login(user, password);
    expect((await activateRole(again.conn, team.database)).role).toBe('operator');
    expect(await attempt(again.pool, writes.sites)).toBe('ok');
    expect((await listPeople(team.root)).find((p) => p.user === user)?.role).toBe('operator');

    await run({ action: 'remove', user, host: '127.0.0.1' }, 'operator');
    expect(await team.accounts()).not.toContain(`${user}@127.0.0.1`);
    expect((await listPeople(team.root)).find((p) => p.user === user)).toBeUndefined();
    expect(await attempt(admin.pool, writes.auditUpdate)).toBe(DENIED);
    expect(await attempt(admin.pool, writes.auditDelete)).toBe(DENIED);
    // Nor can it hand itself the privilege: it holds no grant option on the team's tables.
    expect(await attempt(admin.pool, `GRANT UPDATE ON \`${team.database}\`.audit TO '${admin.user}'@'127.0.0.1'`)).toMatch(/DENIED/);
  });

  it('turns support mode on for a support login, whatever the setting says', async () => {
    const team = fx.team;
    const support = await team.person('support');
    const operator = await team.person('operator');
    await activateRole(support.conn, team.database);
    await activateRole(operator.conn, team.database);
    const stored = { ...DEFAULT_SETTINGS, supportMode: false };
    const asSupport = roleSupportMode(() => stored, await currentRole(support.pool, team.database));
    const asOperator = roleSupportMode(() => stored, await currentRole(operator.pool, team.database));
    expect(asSupport().supportMode).toBe(true);
    expect(asOperator().supportMode).toBe(false);

    // An admin makes the operator support: the watch sees the server's grants change, and support mode follows.
    let changes = 0;
    const watch = new TeamRoleWatch('operator', () => grantedRole(operator.pool, team.database), () => changes++, 50);
    try {
      for (const s of peopleStatements(team.database, { action: 'role', user: operator.user, host: operator.host, role: 'support' }, null, 'operator')) await team.root.query(s);
      await expect.poll(() => watch.current(), { timeout: 5000 }).toBe('support');
      expect(changes).toBe(1);
      expect(roleSupportMode(() => stored, watch.current())().supportMode).toBe(true);
    } finally {
      watch.stop();
    }
  });

  it('refuses hostile account names and hosts before anything reaches the server', async () => {
    const team = fx.team;
    const before = await team.accounts();
    const people = async () => Number((await team.root.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM roles'))[0][0]!.n);
    const peopleBefore = await people();
    const users = ["x'; DROP USER root; --", 'a`b', 'a;b', 'a\nb', "o'brien", 'a"b', 'a\\b', '', ' lead', 'x'.repeat(81), '-dash', 'a b', 'a@b', 'a%', 'é', 'a\u0000b', "a'@'%"];
    const hosts = ["%'; DROP DATABASE mysql; --", 'h`x', 'h;x', 'h\nx', "h'x", '', 'h x', 'a/b/c', 'h"x', 'h\\x'];
    let refused = 0;
    for (const user of users) {
      expect(PeopleChange.safeParse({ action: 'create', user, host: '%', role: 'support', password: null }).success).toBe(false);
      expect(() => peopleStatements(team.database, { action: 'create', user, host: '%', role: 'support', password: null }, null, null)).toThrow(/User name|letters/);
      refused++;
    }
    for (const host of hosts) {
      expect(PeopleChange.safeParse({ action: 'remove', user: 'ok_user', host }).success).toBe(false);
      expect(() => peopleStatements(team.database, { action: 'remove', user: 'ok_user', host }, null, null)).toThrow(/Host/);
      refused++;
    }
    expect(refused).toBe(users.length + hosts.length);
    expect(await team.accounts()).toEqual(before);
    expect(await people()).toBe(peopleBefore);
  });
});
