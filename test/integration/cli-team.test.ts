// The `hostdeck` command line on data folders in team mode (team.json, the password in the OS
// keychain), run as a child process as users run it: an admin's folder (web1 with a stopped queue,
// ns1/ns2 with a zone) and a support login's folder on the same team database. Both read the
// team's servers and queues (JSON and tables); dns plan, sites list and the audit export work on
// the admin's; the support login's changes (cancel, skip, retry, a DNS push) are refused with exit 3
// and a sentence naming its role, and nothing reaches the team's journal.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZonePlan } from '../../shared/api/dns';
import type { ConnectionTestResult } from '../../shared/api/servers';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { createCore, type Core } from '../../src-main/core/core';
import { openKeychain } from '../../src-main/core/secrets/keychain';
import { teamPasswordAccount, writeTeamConfig, type TeamConfig } from '../../src-main/core/team/connection';
import { builtCli } from '../helpers/cli';
import { addWeb1, registeringSecrets } from '../helpers/core';
import { addNameservers, SOA, uniqueZone } from '../helpers/dns';
import { freshDataDir, freshHome } from '../helpers/env';
import { teamFixture, type TeamFixture } from '../helpers/team-mariadb';
import '../helpers/test-kinds';

const cli = builtCli();
let team: TeamFixture;
const cores: Core[] = [];
beforeAll(async () => {
  await cli.install();
  team = await teamFixture('cli');
}, 90_000);
afterAll(async () => {
  await Promise.all(cores.map((c) => c.close()));
  await team?.drop();
  cli.remove();
});

/** A data folder in the team as `user`; its password in the OS keychain the command line reads. */
async function teamFolder(label: string, user: string, password: string): Promise<string> {
  const config: TeamConfig = { version: 1, host: '127.0.0.1', port: 3307, user, database: team.database, tunnelServerId: null, workstation: `${label}@test` };
  await (await openKeychain()).set(teamPasswordAccount(config), password);
  const dataDir = freshDataDir(label);
  writeTeamConfig(dataDir, config);
  return dataDir;
}

async function journalRows(): Promise<number> {
  const [rows] = await team.root.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM queue_events');
  return Number(rows[0]!.n);
}

describe('hostdeck command line in team mode', () => {
  it('reads the team\'s data as admin and support; refuses the support login\'s changes with exit 3', { timeout: 120_000 }, async () => {
    const admin = await team.person('admin');
    const support = await team.person('support');
    const adminDir = await teamFolder('cli-team-admin', admin.user, admin.password);
    const supportDir = await teamFolder('cli-team-support', support.user, support.password);

    // The admin's workstation sets the team up: web1 (its key pinned in the team), a failed task
    // stopping its queue with one pending behind it, ns1/ns2 and a zone.
    const core = registeringSecrets(await createCore({ dataDir: adminDir, homeDir: freshHome('cli-team-admin'), keychain: await openKeychain(), log: () => undefined }));
    cores.push(core);
    const call = async <T,>(method: string, input: unknown): Promise<T> => {
      const r = await core.call(method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.output as T;
    };
    const web1 = await addWeb1({ call });
    const first = await call<ConnectionTestResult>('servers.test', { id: web1.id });
    await call('servers.trustHostKey', { id: web1.id, fingerprint: first.hostKey.fingerprint });
    const marker = `/tmp/hd-cli-team-${randomUUID().slice(0, 8)}`;
    core.queue.enqueue(web1.id, 'ensure-line', { path: '/proc/hostdeck-cannot-write/x', line: 'fails' });
    core.queue.enqueue(web1.id, 'ensure-line', { path: marker, line: 'waits' });
    await expect.poll(() => core.queue.list(web1.id).stopped, { timeout: 20_000 }).toBe(true);
    await addNameservers({ call });
    const zone = uniqueZone('cli-team');
    await call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.', 'ns2.example.test.'] });
    await call('dns.putRecord', { zone, record: { name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' } });

    const json = async <T,>(dir: string, args: string[], code = 0): Promise<T> => JSON.parse((await cli.expectExit(dir, ['--json', ...args], code)).stdout) as T;

    // Reading, as either login: the team's inventory and web1's stopped queue.
    for (const dir of [adminDir, supportDir]) {
      const servers = await json<Server[]>(dir, ['servers', 'list']);
      expect(servers.map((s) => s.name).sort()).toEqual(['ns1', 'ns2', 'web1']);
      const queue = await json<{ server: string; tasks: Task[]; stopped: boolean }>(dir, ['queue', 'list', 'web1']);
      expect(queue).toMatchObject({ server: 'web1', stopped: true });
      expect(queue.tasks.map((t) => [t.params.line, t.status])).toEqual([
        ['fails', 'failed'],
        ['waits', 'pending'],
      ]);
    }
    const table = await cli.expectExit(supportDir, ['queue', 'list', 'web1'], 0);
    expect(table.stdout).toMatch(/failed\s+ensure-line/);
    expect(table.stdout).toContain('The queue is stopped at');

    // The admin's folder: a zone's plan, web1's sites, the audit (the failed task's outcome in it).
    const plans = await json<ZonePlan[]>(adminDir, ['dns', 'plan', zone]);
    expect(plans.map((p) => p.zone)).toEqual([zone]);
    await json<unknown>(adminDir, ['sites', 'list', 'web1']);
    const out = path.join(freshDataDir('cli-team-audit'), 'audit.jsonl');
    expect((await json<{ entries: number }>(adminDir, ['audit', 'export', '--out', out])).entries).toBeGreaterThan(0);
    expect(readFileSync(out, 'utf8')).toContain('failed');
    const entries = await json<{ outcome?: string }[]>(adminDir, ['audit', 'export']);
    expect(entries.length).toBeGreaterThan(0);

    // The support login's changes: refused at once with exit 3 and why; nothing written.
    const rows = await journalRows();
    for (const args of [
      ['queue', 'cancel', 'web1', '--yes'],
      ['queue', 'skip', 'web1', '--yes'],
      ['queue', 'retry', 'web1'],
      ['dns', 'push', zone],
    ]) {
      const refused = await cli.expectExit(supportDir, args, 3);
      expect(refused.stderr).toMatch(/refused\. This team login \(.+@127\.0\.0\.1\) has the support role, which may change nothing in the team database/);
      expect(refused.stdout).toBe('');
    }
    expect(await journalRows()).toBe(rows);
    const after = await json<{ tasks: Task[] }>(supportDir, ['queue', 'list', 'web1']);
    expect(after.tasks.map((t) => t.status)).toEqual(['failed', 'pending']);
    // The admin may: cancel the pending task (exit 0), and the support login sees it.
    await cli.expectExit(adminDir, ['queue', 'cancel', 'web1', '--yes'], 0);
    await expect.poll(async () => (await json<{ tasks: Task[] }>(supportDir, ['queue', 'list', 'web1'])).tasks.map((t) => t.status), { timeout: 10_000 }).toEqual(['failed', 'cancelled']);
  });
});
