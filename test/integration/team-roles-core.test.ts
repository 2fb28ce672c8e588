// Roles enforced by the server, through Hostdeck's own core in team mode: a workstation whose
// team login has the support role. Its direct SQL writes to the team schema (the queue's journal
// included), a crafted contract call (creating an account) and a task its core queues are
// refused by the database server;
// support mode is on whatever the stored setting says; its audit goes to the team's chain,
// which verifies, and a row root changes afterwards is found by the same contract call.
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditVerdict } from '../../shared/api/db';
import type { Settings } from '../../shared/domain';
import { memoryKeychain } from '../../src-main/core/secrets/keychain';
import { teamPasswordAccount, writeTeamConfig } from '../../src-main/core/team/connection';
import { createCore, type Core } from '../../src-main/core/core';
import type { AppErrorShape } from '../../shared/errors';
import { registeringSecrets } from '../helpers/core';
import { freshDataDir, freshHome } from '../helpers/env';
import { teamFixture, type TeamFixture } from '../helpers/team-mariadb';
import '../helpers/test-kinds';

type Call = <T = unknown>(method: string, input: unknown) => Promise<T>;
type TeamCore = { core: Core; call: Call; fail(method: string, input: unknown): Promise<AppErrorShape> };

let team: TeamFixture;
const cores: Core[] = [];
beforeAll(async () => {
  team = await teamFixture('core');
}, 60_000);
afterAll(async () => {
  await Promise.all(cores.map((c) => c.close()));
  await team?.drop();
});

/** A core whose data folder is in the team as `user` (its password in this computer's keychain only). */
async function teamCore(label: string, user: string, password: string): Promise<TeamCore> {
  const keychain = memoryKeychain('test');
  const config = { version: 1 as const, host: '127.0.0.1', port: 3307, user, database: team.database, tunnelServerId: null, workstation: `${label}@test` };
  await keychain.set(teamPasswordAccount(config), password);
  const dataDir = freshDataDir(label);
  writeTeamConfig(dataDir, config);
  const core = registeringSecrets(await createCore({ dataDir, homeDir: freshHome(label), keychain, log: () => undefined }));
  cores.push(core);
  const call: Call = async <T,>(method: string, input: unknown) => {
    const r = await core.call(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.output as T;
  };
  const fail = async (method: string, input: unknown) => {
    const r = await core.call(method, input);
    if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
    return r.error;
  };
  return { core, call, fail };
}

describe('a support login through the core', () => {
  it('is refused by the server, audited in the team chain, and kept in support mode', async () => {
    const support = await team.person('support');
    const accountsBefore = await team.accounts();
    // Its first start makes the granted role its default (the server's word, read back).
    const t = await teamCore('team-support', support.user, support.password);
    expect(await t.call('team.people', {})).toMatchObject({ me: { user: support.user, role: 'support', superuser: false } });

    // Direct SQL with the same login: every write to the team schema refused by the server.
    for (const sql of [
      "INSERT INTO sites (id, data, updated_by) VALUES ('x', '{}', 'x')",
      "UPDATE servers SET version = version + 1 WHERE id = 'x'",
      "INSERT INTO queue_events (server_id, event, author) VALUES ('s', '{}', 'x')",
      "INSERT INTO roles (user, host, role, granted_by) VALUES ('me', '%', 'admin', 'me')",
      'DELETE FROM audit',
    ]) {
      await expect(support.pool.query(sql), sql).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    }

    // A crafted contract call: the client offers no such button to support, the server refuses anyway.
    const refused = await t.fail('team.changePeople', { change: { action: 'create', user: `${team.prefix}_sneaky`, host: '%', role: 'admin', password: 'Sneaky-password-42' }, confirm: null });
    expect(refused.message).toMatch(/^CREATE USER .* was refused \(nothing was changed\): .*(denied|privilege)/i);
    expect(refused.message).not.toContain('Sneaky-password-42');
    expect(await team.accounts()).toEqual(accountsBefore);

    // A task its core queues (what every enqueuing call does): the engine refuses the journal row,
    // it is queued for nobody, and this workstation's view lets it go (no endless retry).
    const serverId = randomUUID();
    t.core.queue.enqueue(serverId, 'ensure-line', { path: '/tmp/hd-team-refused', line: 'x' });
    await expect.poll(() => t.core.queue.list(serverId).tasks.length, { timeout: 10_000 }).toBe(0);
    const [rows] = await team.root.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM queue_events WHERE server_id = ?', [serverId]);
    expect(Number(rows[0]!.n)).toBe(0);

    // Support mode: on, though the setting stored says off.
    expect((await t.call<Settings>('settings.get', {})).supportMode).toBe(true);

    // The refused statement is in the team's audit chain, which verifies.
    const audit = await t.call<AuditEntry[]>('db.audit', { serverId: null, limit: 10 });
    expect(audit[0]).toMatchObject({ serverId: 'team', outcome: 'error' });
    expect(audit[0]!.statement).toMatch(/^CREATE USER '.*_sneaky'@'%' IDENTIFIED BY '\*\*\*'$/);
    const verdict = await t.call<AuditVerdict>('db.verifyAudit', {});
    expect(verdict.broken).toBeNull();
    expect(verdict.verified).toBeGreaterThanOrEqual(1);

    // Root alters that row directly: the same call finds it.
    await team.root.query("UPDATE audit SET entry = JSON_SET(entry, '$.outcome', 'ok') WHERE seq = 1");
    expect((await t.call<AuditVerdict>('db.verifyAudit', {})).broken).toMatchObject({ index: 0, problem: 'changed' });
  });
});
