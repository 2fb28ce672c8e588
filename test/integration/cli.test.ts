// The `hostdeck` command line, run as users run it (node and the built dist/cli/hostdeck.mjs, a
// child process of its own) against the testbed, on a data folder set up by a core beforehand:
// web1 with a site and its backups, ns1 and ns2 with two zones, and a server nobody answers on.
// Drives every command: JSON on stdout parsed, progress on stderr, exit 0 (done), 1 (a task or a
// server test failed, or a task stuck behind a stopped queue) and 2 (unknown names, invalid
// values, a destructive answer or a confirming push without --yes, a missing password variable).
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/api/db';
import type { ZonePlan } from '../../shared/api/dns';
import type { ConnectionTestResult } from '../../shared/api/servers';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { openKeychain } from '../../src-main/core/secrets/keychain';
import { loadTestbed } from '../../testbed/testbed';
import { builtCli } from '../helpers/cli';
import { addWeb1, makeCore } from '../helpers/core';
import { addNameservers, resolver, SOA, uniqueZone } from '../helpers/dns';
import { settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';

const cli = builtCli();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdcli${tag}`;
const expectExit = cli.expectExit;

beforeAll(() => cli.install());

afterAll(() => {
  cli.remove();
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
});

/** The data folder: web1 (root, a site, backups set up), ns1/ns2, a server that refuses connections; a good and a bad zone. */
async function setUp() {
  const tb = loadTestbed();
  const t = await makeCore('cli');
  try {
    const web1 = await addWeb1(t, 'root');
    // Pinned in the data folder (ns1/ns2 are the same sshd), so the child needs no known_hosts.
    const first = await t.call<ConnectionTestResult>('servers.test', { id: web1.id });
    await t.call('servers.trustHostKey', { id: web1.id, fingerprint: first.hostKey.fingerprint });
    const ns = await addNameservers(t);
    await t.call<Server>('servers.add', { name: 'down', host: '127.0.0.1', port: 1, user: 'root', auth: { method: 'agent' }, roles: [], tags: [] });
    await t.call('hosting.setSettings', { serverId: web1.id, ...testbedHostingSettings(tb) });
    await t.call('hosting.createSite', { serverId: web1.id, name: site, quotaMb: 0 });
    const policy = { schedule: { kind: 'off' }, keep: { daily: 7, weekly: 4, monthly: 0 } };
    await t.call('backups.setSettings', { serverId: web1.id, repoPath: `${tb.root}/backups/cli-${tag}`, policy });
    const ref = Object.values((JSON.parse(readFileSync(path.join(t.dataDir, 'backups.json'), 'utf8')) as { servers: Record<string, { repoRef: string }> }).servers)[0]!.repoRef;
    registerSecret('backup repository password', (await (await openKeychain()).get(ref))!);
    expect((await settleQueue(t, web1.id, 40_000)).map((x) => x.status)).not.toContain('failed');
    const good = uniqueZone('cli-good');
    const bad = uniqueZone('cli-bad');
    for (const zone of [good, bad]) {
      await t.call('dns.createZone', { zone, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.', 'ns2.example.test.'] });
      await t.call('dns.putRecord', { zone, record: { name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' } });
    }
    // The bad zone pushed once, then given a new apex NS (its push asks for a confirmation) valid
    // to Hostdeck but refused by named-checkzone on the nameservers (an in-zone NS with no address).
    await t.call('dns.push', { zones: [bad] });
    for (const server of Object.values(ns)) expect((await settleQueue(t, server.id, 40_000)).map((x) => x.status)).toEqual(['done']);
    await t.call('dns.putRecord', { zone: bad, record: { name: '@', type: 'NS', ttl: 300, value: `ns3.${bad}.` } });
    return { dataDir: t.dataDir, web1, ns, good, bad };
  } finally {
    await t.core.close();
  }
}

describe('hostdeck command line', () => {
  it('drives servers, queues, DNS, sites, backups and the audit log with exit codes 0/1/2', { timeout: 120_000 }, async () => {
    const { dataDir, good, bad } = await setUp();
    const json = async <T>(args: string[], code = 0, env?: NodeJS.ProcessEnv): Promise<T> => JSON.parse((await expectExit(dataDir, ['--json', ...args], code, env)).stdout) as T;

    // Help, and usage errors and bad input refused before anything runs (in parallel: all read only).
    const [help, pushHelp] = await Promise.all([
      expectExit(dataDir, ['--help'], 0),
      expectExit(dataDir, ['dns', 'push', '--help'], 0),
      expectExit(dataDir, ['bogus'], 2),
      expectExit(dataDir, ['queue', 'list'], 2),
      expectExit(dataDir, ['servers', 'test', 'nosuch'], 2),
      expectExit(dataDir, ['sites', 'list', 'nosuch'], 2),
      expectExit(dataDir, ['dns', 'plan', 'nosuch.test'], 2),
      expectExit(dataDir, ['dns', 'plan', 'bad zone!'], 2),
      expectExit(dataDir, ['dns', 'push'], 2),
      expectExit(dataDir, ['dns', 'push', good, '--all'], 2),
      expectExit(dataDir, ['backup', 'run', 'nosuch', '--server', 'web1'], 2),
      expectExit(dataDir, ['backup', 'run', '../etc', '--server', 'web1'], 2),
      expectExit(dataDir, ['queue', 'retry', 'web1'], 2),
    ]);
    for (const cmd of ['servers', 'queue', 'dns', 'sites', 'backup', 'audit']) expect(help.stdout).toContain(cmd);
    expect(help.stdout).toContain('Exit codes');
    expect(pushHelp.stdout).toContain('--all');

    // Reads, a server test that fails and a backup, side by side (each its own process).
    const file = path.join(dataDir, 'audit.csv');
    const [servers, table, tested, down, sites, sitesTable, backup, plans, planTable, exported, audit] = await Promise.all([
      json<Server[]>(['servers', 'list']),
      expectExit('', ['servers', 'list'], 0, { HOSTDECK_DATA_DIR: dataDir }),
      json<ConnectionTestResult>(['servers', 'test', 'web1']),
      expectExit(dataDir, ['servers', 'test', 'down'], 1),
      json<{ server: string; name: string; status: string }[]>(['sites', 'list']),
      expectExit(dataDir, ['sites', 'list', 'web1'], 0),
      expectExit(dataDir, ['--json', 'backup', 'run', site, '--server', 'web1'], 0),
      json<ZonePlan[]>(['dns', 'plan', good, bad]),
      expectExit(dataDir, ['dns', 'plan', good, bad], 0),
      json<{ entries: number }>(['audit', 'export', '--out', file]),
      json<unknown[]>(['audit', 'export']),
    ]);
    expect(servers.map((s) => s.name).sort()).toEqual(['down', 'ns1', 'ns2', 'web1']);
    // The table, from the default data folder ($HOSTDECK_DATA_DIR here, as for the app).
    expect(table.stdout).toMatch(/^NAME\s+HOST\s+PORT/);
    expect(table.stdout).toMatch(/\nweb1 +[\d.]+ +\d+ +root +key +web +-\n/);
    expect(tested.status).toBe('connected');
    expect(down.stderr).toMatch(/down: .*(refused|reach)/i);
    expect(sites.find((s) => s.name === site)).toMatchObject({ server: 'web1' });
    expect(sitesTable.stdout).toContain(site);
    // backup run waited for its task; progress on stderr.
    expect((JSON.parse(backup.stdout) as { tasks: Task[] }).tasks.map((x) => x.status)).toEqual(['done']);
    expect(backup.stderr).toMatch(/\[web1\] .*: done in/);
    expect(plans.map((p) => [p.zone, p.isNew])).toEqual([
      [good, true],
      [bad, false],
    ]);
    expect(plans[1]!.confirmReasons).toEqual(['changes the apex NS records']);
    expect(planTable.stdout).toMatch(new RegExp(`${good.replaceAll('.', '\\.')}: new, never pushed \\(\\+3 ~0 -0\\)`));
    expect(planTable.stdout).toContain('  + www 300 A 192.0.2.10');
    expect(planTable.stdout).toContain(`${bad}: changes (+1 ~0 -0)`);
    expect(planTable.stdout).toContain('  ! needs --yes to push: changes the apex NS records');
    // No database statements in this data folder: the audit holds only queue tasks' outcomes (the
    // set-up's, and the backup's when it ended before the export).
    expect(exported.entries).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^at,serverId,serverName,database,statement/);
    expect(audit.length).toBeGreaterThan(0);
    expect((audit as AuditEntry[]).every((e) => e.task !== undefined && e.database === null)).toBe(true);

    // The good zone pushed to both nameservers.
    const pushed = await expectExit(dataDir, ['--json', 'dns', 'push', good], 0);
    const push = JSON.parse(pushed.stdout) as { serials: Record<string, number>; tasks: Task[] };
    expect(push.tasks.map((x) => x.status)).toEqual(['done', 'done']);
    expect(pushed.stderr).toMatch(/\[ns1\] .*: done/);
    expect(pushed.stderr).toMatch(/\[ns2\] .*: done/);
    for (const name of ['ns1', 'ns2'] as const) expect((await resolver(name).resolveSoa(good)).serial).toBe(push.serials[good]);

    // A push that asks for a confirmation is refused without --yes (2); the nameservers refuse the
    // zone: its tasks fail (1) and both queues stop.
    expect((await expectExit(dataDir, ['dns', 'push', bad], 2)).stderr).toContain(`Confirm the push of ${bad} (changes the apex NS records). Check them with "hostdeck dns plan", then push again with --yes.`);
    const refused = await expectExit(dataDir, ['dns', 'push', bad, '--yes'], 1);
    expect(refused.stderr).toMatch(/\[ns1\] .*: failed/);
    expect(refused.stderr).toContain(`named-checkzone rejected ${bad}`);
    const [ns1Queue, ns1Table, noPassword, skipNo] = await Promise.all([
      json<{ stopped: boolean; tasks: Task[] }>(['queue', 'list', 'ns1']),
      expectExit(dataDir, ['queue', 'list', 'ns1'], 0),
      // A secret only from the keychain or a named environment variable: an unset one is refused.
      expectExit(dataDir, ['queue', 'retry', 'ns1', '--password-env', 'HOSTDECK_CLI_TEST_UNSET'], 2),
      expectExit(dataDir, ['queue', 'skip', 'ns1'], 2),
    ]);
    expect(ns1Queue.stopped).toBe(true);
    expect(ns1Table.stdout).toContain('The queue is stopped at');
    expect(noPassword.stderr).toContain('HOSTDECK_CLI_TEST_UNSET is not set');
    expect(skipNo.stderr).toContain('--yes');

    // ns1: retry fails again (1), then skip with --yes (0).
    expect((await expectExit(dataDir, ['queue', 'retry', 'ns1'], 1)).stderr).toMatch(/\[ns1\] .*: failed/);
    const skipped = await json<{ answered: Task[]; tasks: Task[]; stopped: boolean }>(['queue', 'skip', 'ns1', '--yes']);
    expect(skipped.answered.map((x) => x.status)).toEqual(['skipped']);
    expect(skipped.tasks.map((x) => x.status)).toEqual(['done', 'done', 'skipped']);
    expect(skipped.stopped).toBe(false);

    // A push behind ns2's stopped queue: ns1 done, ns2 blocked (1); cancel needs --yes, then cancels; skip clears.
    const blocked = await expectExit(dataDir, ['dns', 'push', good], 1);
    expect(blocked.stderr).toMatch(/\[ns1\] .*: done/);
    expect(blocked.stderr).toMatch(/\[ns2\] .*: blocked \(the queue stopped at the failed task/);
    expect((await expectExit(dataDir, ['queue', 'cancel', 'ns2'], 2)).stderr).toContain('cancels 1 pending task(s) on ns2');
    const cancelled = await json<{ answered: Task[]; tasks: Task[] }>(['queue', 'cancel', 'ns2', '--yes']);
    expect(cancelled.answered.map((x) => x.status)).toEqual(['cancelled']);
    expect(cancelled.tasks.map((x) => x.status)).toEqual(['done', 'done', 'failed', 'cancelled']);
    await expectExit(dataDir, ['queue', 'cancel', 'ns2', '--yes'], 2);
    await expectExit(dataDir, ['queue', 'skip', 'ns2', '--yes'], 0);
    expect((await json<{ stopped: boolean }>(['queue', 'list', 'ns2'])).stopped).toBe(false);

    // --all pushes every zone with changes: none left (each push so far took its zone's state as pushed).
    expect(await json<{ serials: object; tasks: Task[] }>(['dns', 'push', '--all'])).toEqual({ serials: {}, tasks: [] });
    expect((await expectExit(dataDir, ['dns', 'push', '--all'], 0)).stdout).toContain('Nothing to push');
  });
});
