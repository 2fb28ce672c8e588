// A repository on another server of the inventory: web1 (as root) backs a site up with restic's
// sftp backend into a folder of web2's backup account. The settings' preview shows both setup
// tasks; saving queues them (the account on web2 with the key restricted to SFTP, the key pair
// and web2's pinned host key on web1); a backup lands on web2, a changed file and a deleted
// folder come back from it, restic check passes, the account runs no shell command; a known_hosts
// on web1 that does not match web2's key fails the backup saying so. Leaving web2 for a folder on
// web1 removes web1's key from web2's account and the key pair from web1.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { utils } from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackupState, Snapshot } from '../../shared/api/backups';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { addWeb1, coreSuite } from '../helpers/core';
import { settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdbs${tag}`;
const home = `/home/${site}`;
const repoPath = `/var/backups/hostdeck/it-sftp-${tag}`;
const policy = { schedule: { kind: 'off' }, keep: { daily: 0, weekly: 0, monthly: 0 } };
let keyDir = '';
let sourceId = '';

const statuses = (tasks: Task[]) => tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');
const md5 = (file: string) => sh(`md5sum < '${file}'`)!.split(' ')[0]!;

afterAll(() => {
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  sh(`rm -rf '${home}' '${repoPath}'`);
  if (keyDir) sh(`rm -rf '${keyDir}'`);
  if (sourceId) sh(`sed -i '/hostdeck-backup-from-${sourceId}$/d' /var/lib/hostdeck-backup/.ssh/authorized_keys`);
});

describe('backups into a repository on another server over SFTP', () => {
  it('sets up the SSH trust as tasks, backs up to web2, restores from it; a wrong host key fails the backup', async () => {
    const t = await suite.core('backups-sftp', { trust: [suite.tb.ssh.web1, suite.tb.ssh.web2] });
    const source = await addWeb1(t, 'root');
    sourceId = source.id;
    const target = await t.call<Server>('servers.add', { name: 'web2', host: suite.tb.ssh.web2.host, port: suite.tb.ssh.web2.port, user: 'root', auth: { method: 'key', keyPath: suite.tb.keys.ed25519.path }, roles: ['web'], tags: [] });
    await t.call('hosting.setSettings', { serverId: source.id, ...testbedHostingSettings(suite.tb) });
    await t.call('hosting.createSite', { serverId: source.id, name: site, quotaMb: 0 });
    expect(statuses(await settleQueue(t, source.id))).not.toMatch(/failed/);
    sh(`runuser -u ${site} -- sh -c 'cd ${home} && mkdir -p public_html/img && printf "<?php echo 1;" > public_html/index.php && head -c 300000 /dev/urandom > public_html/img/a.bin'`);
    const sums = { index: md5(`${home}/public_html/index.php`), bin: md5(`${home}/public_html/img/a.bin`) };

    // The server itself is not "another server".
    expect((await t.fail('backups.previewSettings', { serverId: source.id, repoPath, policy, target: { kind: 'server', serverId: source.id } })).message).toMatch(/another server/);

    // The preview: the account on web2 (SFTP only) and the key pair and pinned key on web1.
    const preview = await t.call<{ tasks: { kind: string; title: string; commands: string[] }[] }>('backups.previewSettings', { serverId: source.id, repoPath, policy, target: { kind: 'server', serverId: target.id } });
    expect(preview.tasks.map((x) => x.kind)).toEqual(['backup.sftp-account', 'backup.sftp-client']);
    expect(preview.tasks[0]!.title).toMatch(/^On web2: /);
    expect(preview.tasks[0]!.commands.join('\n')).toContain('restrict,command="internal-sftp" ssh-ed25519');
    expect(preview.tasks[1]!.commands.join('\n')).toContain(`[${suite.tb.ssh.web2.host}]:${suite.tb.ssh.web2.port} ${suite.tb.ssh.web2.hostKeyLine.split(' ').slice(0, 2).join(' ')}`);
    expect((await t.call<BackupState>('backups.state', { serverId: source.id })).hasPassword).toBe(false);

    const saved = await t.call<BackupState & { tasks: Task[] }>('backups.setSettings', { serverId: source.id, repoPath, policy, target: { kind: 'server', serverId: target.id } });
    expect(saved.target).toEqual({ kind: 'server', serverId: target.id });
    expect(saved.tasks.map((x) => x.kind)).toEqual(['backup.sftp-account', 'backup.sftp-client']);
    expect(statuses(await settleQueue(t, target.id))).not.toMatch(/failed/);
    expect(statuses(await settleQueue(t, source.id))).not.toMatch(/failed/);
    keyDir = `/etc/hostdeck/backup-ssh/${target.id}`;
    const privateKey = readFileSync(`${keyDir}/id_ed25519`, 'utf8');
    registerSecret('backup SSH private key', privateKey);
    const data = JSON.parse(readFileSync(`${t.dataDir}/backups.json`, 'utf8')) as { servers: Record<string, { repoRef: string }> };
    const { openKeychain } = await import('../../src-main/core/secrets/keychain');
    registerSecret('backup repository password', (await (await openKeychain()).get(data.servers[source.id]!.repoRef))!);
    expect(sh(`stat -c '%a %U' '${keyDir}' '${keyDir}/id_ed25519'`)).toBe('700 root\n600 root\n');
    expect(sh(`grep -c 'hostdeck-backup-from-${source.id}$' /var/lib/hostdeck-backup/.ssh/authorized_keys`)).toBe('1\n');
    expect(JSON.stringify(await t.call('queue.list', { serverId: source.id }))).not.toContain(privateKey.split('\n')[1]!);

    // The account runs no command: the forced internal-sftp answers instead of a shell.
    const shell = sh(`timeout 10 ssh -i '${keyDir}/id_ed25519' -o IdentitiesOnly=yes -o UserKnownHostsFile='${keyDir}/known_hosts' -o StrictHostKeyChecking=yes -o BatchMode=yes -p ${suite.tb.ssh.web2.port} hostdeck-backup@${suite.tb.ssh.web2.host} id </dev/null 2>&1`) ?? '';
    expect(shell).not.toMatch(/uid=/);

    await t.call('backups.backUpNow', { serverId: source.id, site });
    const backup = (await settleQueue(t, source.id, 60_000)).filter((x) => x.kind === 'backup.site').at(-1)!;
    expect(statuses([backup])).toBe('backup.site:done');
    expect(backup.stdoutTail).toContain(`repository created at sftp:hostdeck-backup@${suite.tb.ssh.web2.host}:${repoPath}`);
    expect(sh(`stat -c %U '${repoPath}/config'`)).toBe('hostdeck-backup\n');

    // Change a file and delete a folder, then restore the home's files in place from web2.
    sh(`echo changed > ${home}/public_html/index.php && rm -rf ${home}/public_html/img`);
    const { snapshots } = await t.call<{ snapshots: Snapshot[] }>('backups.snapshots', { serverId: source.id, site });
    const files = snapshots.find((s) => s.kind === 'files')!;
    await t.call('backups.restoreFiles', { serverId: source.id, site, snapshot: files.id, paths: ['public_html'], to: 'place', confirm: site });
    await t.call('backups.check', { serverId: source.id });
    const after = await settleQueue(t, source.id, 60_000);
    expect(statuses(after)).not.toMatch(/failed/);
    expect(after.find((x) => x.kind === 'backup.check')!.stdoutTail).toMatch(/no errors were found/);
    expect(md5(`${home}/public_html/index.php`)).toBe(sums.index);
    expect(md5(`${home}/public_html/img/a.bin`)).toBe(sums.bin);
    expect(sh(`stat -c %U ${home}/public_html/img/a.bin`)).toBe(`${site}\n`);

    // The last good backup 50 h ago by the records (the policy allows 25 h): fleet health turns red.
    await t.call('backups.setSettings', { serverId: source.id, repoPath, policy: { ...policy, schedule: { kind: 'daily', at: '03:00' } }, target: { kind: 'server', serverId: target.id } });
    expect(statuses(await settleQueue(t, target.id))).not.toMatch(/failed/);
    expect(statuses(await settleQueue(t, source.id))).not.toMatch(/failed/);
    const file = `${t.dataDir}/backups.json`;
    const records = JSON.parse(readFileSync(file, 'utf8')) as { servers: Record<string, { last: Record<string, { okAt: string }> }> };
    records.servers[source.id]!.last[site]!.okAt = new Date(Date.now() - 50 * 3_600_000).toISOString();
    writeFileSync(file, JSON.stringify(records));
    const [health] = (await t.call<{ servers: { status: string; reason: string }[] }>('health.checkNow', { serverId: source.id })).servers;
    expect(health).toMatchObject({ status: 'alert' });
    expect(health!.reason).toContain(`The last backup of site ${site} is 50 h old (its policy allows 25 h)`);

    // Back to a folder on web1: web2's account forgets web1's key, web1 its key pair (previewed, then queued).
    const local = { serverId: source.id, repoPath: `${suite.tb.root}/backups/sftp-${tag}`, policy, target: { kind: 'local' } };
    const leaving = await t.call<{ tasks: { kind: string; title: string }[] }>('backups.previewSettings', local);
    expect(leaving.tasks.map((x) => x.title)).toEqual([`On web2: Remove the backup key of web1 (account hostdeck-backup)`, 'On web1: Remove the SSH key for the former backup server web2']);
    expect((await t.call<BackupState & { tasks: Task[] }>('backups.setSettings', local)).tasks.map((x) => x.kind)).toEqual(['backup.sftp-revoke', 'backup.sftp-forget']);
    expect(statuses(await settleQueue(t, target.id))).not.toMatch(/failed/);
    expect(statuses(await settleQueue(t, source.id))).not.toMatch(/failed/);
    expect(sh(`grep -c 'hostdeck-backup-from-${source.id}$' /var/lib/hostdeck-backup/.ssh/authorized_keys`)).toBe(null); // grep -c exits 1 on 0 lines
    expect(sh(`ls -d '${keyDir}'`)).toBe(null);
    sh(`rm -rf '${local.repoPath}'`);
    await t.call('backups.setSettings', { serverId: source.id, repoPath, policy, target: { kind: 'server', serverId: target.id } });
    expect(statuses(await settleQueue(t, target.id))).not.toMatch(/failed/);
    expect(statuses(await settleQueue(t, source.id))).not.toMatch(/failed/);
    registerSecret('backup SSH private key (again)', readFileSync(`${keyDir}/id_ed25519`, 'utf8'));
    // Its repository there is opened with the password it was made with.
    const refs = JSON.parse(readFileSync(`${t.dataDir}/backups.json`, 'utf8')) as { servers: Record<string, { repoRef: string }> };
    expect(refs.servers[source.id]!.repoRef).toBe(data.servers[source.id]!.repoRef);
    await t.call('backups.backUpNow', { serverId: source.id, site });
    expect(statuses((await settleQueue(t, source.id, 60_000)).filter((x) => x.kind === 'backup.site').slice(-1))).toBe('backup.site:done');

    // web1's known_hosts now holds another key for web2 (as if web2's key had changed): refused.
    const other = utils.generateKeyPairSync('ed25519').public.split(' ').slice(0, 2).join(' ');
    writeFileSync(`${keyDir}/known_hosts`, `[${suite.tb.ssh.web2.host}]:${suite.tb.ssh.web2.port} ${other}\n`);
    await t.call('backups.backUpNow', { serverId: source.id, site });
    const refused = (await settleQueue(t, source.id, 60_000)).filter((x) => x.kind === 'backup.site').at(-1)!;
    expect(refused.status).toBe('failed');
    expect(refused.stderrTail).toMatch(/did not present the host key Hostdeck pinned for it: refusing to send backups there/);
  });
});
