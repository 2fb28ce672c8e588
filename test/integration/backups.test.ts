// Backups of a site against the real sshd web1 as root, the testbed's MariaDB and Debian's
// restic: a site with files and a database backed up; files changed and deleted, then restored
// beside and in place (checksums compared); the database restored into a scratch copy (read) and
// in place (rows compared); the whole site restored after its deletion (created again first);
// restic check passes; a backup of a database that does not exist and one into an unreachable
// repository fail their tasks; 30+ hostile inputs refused with a canary; the repository password
// (registered) is read from the keychain only.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackupState, Snapshot, SnapshotEntry } from '../../shared/api/backups';
import type { Task } from '../../shared/queue';
import { openKeychain } from '../../src-main/core/secrets/keychain';
import { coreSuite, type TestCore } from '../helpers/core';
import { mariadbRoot, settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdbk${tag}`;
const db = `${site}_shop`;
const canary = `/tmp/hd-backup-canary-${tag}`;
const home = `/home/${site}`;
const policy = { schedule: { kind: 'daily', at: '03:00' }, keep: { daily: 7, weekly: 4, monthly: 0 } };

function statuses(tasks: Task[]): string {
  return tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');
}

async function settled(t: TestCore, serverId: string): Promise<Task[]> {
  return settleQueue(t, serverId, 60_000);
}

function md5(file: string): string {
  return sh(`md5sum < '${file}'`)!.split(' ')[0]!;
}

/** The repository password Hostdeck made, from the keychain (by the reference in its backups file). */
async function repoPassword(t: TestCore): Promise<string> {
  const data = JSON.parse(readFileSync(path.join(t.dataDir, 'backups.json'), 'utf8')) as { servers: Record<string, { repoRef: string }> };
  const ref = Object.values(data.servers)[0]!.repoRef;
  const pw = await (await openKeychain()).get(ref);
  if (!pw) throw new Error('no repository password in the keychain');
  return pw;
}

/**
 * Samples every process's command line and environment while a task runs: the password must be
 * in none of them (it travels on stdin and a here-document only); counts the restic processes seen.
 */
function watchProcesses(password: string): { stop(): { leaks: string[]; restics: number } } {
  const leaks: string[] = [];
  let restics = 0;
  let on = true;
  const sample = () => {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      for (const what of ['cmdline', 'environ']) {
        let text: string;
        try {
          text = readFileSync(`/proc/${pid}/${what}`, 'latin1');
        } catch {
          continue;
        }
        if (what === 'cmdline' && text.startsWith('restic\0')) restics++;
        if (text.includes(password)) leaks.push(`${pid} ${what}: ${text.replaceAll('\0', ' ').slice(0, 200)}`);
      }
    }
    if (on) setTimeout(sample, 10);
  };
  sample();
  return { stop: () => { on = false; return { leaks, restics }; } };
}

afterAll(() => {
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(home, { recursive: true, force: true });
  rmSync(canary, { force: true });
  mariadbRoot(`DROP DATABASE IF EXISTS \`${db}\`; DROP USER IF EXISTS '${site}_u'@'localhost'`);
  for (const name of mariadbRoot(`SHOW DATABASES LIKE '${site}%'`).trim().split('\n').filter(Boolean)) mariadbRoot(`DROP DATABASE IF EXISTS \`${name}\``);
});

describe('backups of a site with restic', () => {
  it('backs up files and a database, restores each granularity, a scratch copy, a deleted site; check; failures fail; hostile input refused', async () => {
    const t = await suite.web1('backups', 'root');
    const serverId = t.server.id;
    const repoPath = `${suite.tb.root}/backups/${tag}`;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    await t.call('hosting.createDb', { serverId, site, name: db, user: `${site}_u` });
    expect(statuses(await settled(t, serverId))).not.toMatch(/failed/);

    // Backing up before the settings exist is refused; the settings make the password.
    expect((await t.fail('backups.backUpNow', { serverId, site })).message).toMatch(/not set up/);
    const state = await t.call<BackupState>('backups.setSettings', { serverId, repoPath, policy });
    expect(state.hasPassword).toBe(true);
    const password = await repoPassword(t);
    registerSecret('backup repository password', password);

    // Content: files (one in logs/, which is not backed up) and rows.
    sh(`runuser -u ${site} -- sh -c 'cd ${home} && mkdir -p public_html/img logs tmp && printf "<?php echo 1;" > public_html/index.php && head -c 200000 /dev/urandom > public_html/img/a.bin && echo log > logs/x.log && echo t > tmp/y'`);
    mariadbRoot(`CREATE TABLE \`${db}\`.orders (id INT PRIMARY KEY, what VARCHAR(40)); INSERT INTO \`${db}\`.orders VALUES (1,'tea'),(2,'cake'),(3,'jam')`);
    const sums = { index: md5(`${home}/public_html/index.php`), bin: md5(`${home}/public_html/img/a.bin`) };

    const started = Date.now();
    await t.call('backups.backUpNow', { serverId, site });
    expect((await t.fail('backups.backUpNow', { serverId, site })).message).toMatch(/already in the queue/);
    const seen = watchProcesses(password);
    const afterBackup = await settled(t, serverId);
    const watched = seen.stop();
    expect(watched.leaks).toEqual([]);
    expect(watched.restics).toBeGreaterThan(0);
    expect(statuses(afterBackup)).not.toMatch(/failed/);
    const backupMs = Date.now() - started;
    const backupTask = afterBackup.filter((x) => x.kind === 'backup.site').at(-1)!;
    expect(backupTask.stdoutTail).toMatch(new RegExp(`database ${db} backed up`));
    expect(JSON.stringify(backupTask)).not.toContain(password);
    expect((await t.call<BackupState>('backups.state', { serverId })).last[site]?.ok).toBe(true);

    // The schedule (a site's own policy, every hour): not due right after a backup, due an hour
    // later and queued once (not again while it waits); fleet health warns once it is too old.
    await t.call('backups.setSitePolicy', { serverId, site, policy: { schedule: { kind: 'every', hours: 1 }, keep: { daily: 0, weekly: 0, monthly: 0 } } });
    expect(t.core.backups.tick(new Date())).toEqual([]);
    const hourLater = new Date(Date.now() + 61 * 60_000);
    // Team mode: a workstation that does not lead the server's schedule queues nothing, nor one
    // whose keychain lacks the repository password (asked first: it would not even compete).
    const asked: string[] = [];
    t.core.backups.useScheduleLead(async (id) => (asked.push(id), false));
    expect(await t.core.backups.scheduledTick(hourLater)).toEqual([]);
    expect(asked).toEqual([serverId]);
    const keychain = await openKeychain();
    const ref = (JSON.parse(readFileSync(path.join(t.dataDir, 'backups.json'), 'utf8')) as { servers: Record<string, { repoRef: string }> }).servers[serverId]!.repoRef;
    const repoSecret = (await keychain.get(ref))!;
    await keychain.delete(ref);
    t.core.backups.useScheduleLead(async (id) => (asked.push(id), true));
    expect(await t.core.backups.scheduledTick(hourLater)).toEqual([]);
    expect(asked).toEqual([serverId]);
    await keychain.set(ref, repoSecret);
    expect(await t.core.backups.scheduledTick(hourLater)).toEqual([`${serverId}/${site}`]);
    expect(t.core.backups.tick(hourLater)).toEqual([]);
    const scheduled = (await settled(t, serverId)).at(-1)!;
    expect(`${scheduled.kind}:${scheduled.status}`).toBe('backup.site:done');
    expect(scheduled.stdoutTail).not.toMatch(/forgotten/);
    expect(t.core.backups.ageWarnings(serverId)).toEqual([]);
    expect(t.core.backups.ageWarnings(serverId, new Date(Date.now() + 3 * 3_600_000))).toEqual([`the last backup of site ${site} is 3 h old (its policy allows 2 h)`]);
    await t.call('backups.setSitePolicy', { serverId, site, policy: null });

    const snapshots = (await t.call<{ snapshots: Snapshot[] }>('backups.snapshots', { serverId, site })).snapshots;
    expect(snapshots.map((s) => `${s.kind}:${s.db ?? ''}`).sort()).toEqual(['db:' + db, 'db:' + db, 'files:', 'files:']);
    const files = snapshots.at(-1)!.kind === 'files' ? snapshots.at(-1)! : snapshots.at(-2)!;
    const dbSnap = snapshots.find((s) => s.kind === 'db' && s.run === files.run)!;
    expect(files.run).toBe(dbSnap.run);
    const top = (await t.call<{ entries: SnapshotEntry[] }>('backups.ls', { serverId, site, snapshot: files.id, path: '' })).entries;
    expect(top.map((e) => e.name)).toContain('public_html');
    expect(top.map((e) => e.name)).not.toContain('logs');
    expect(top.map((e) => e.name)).not.toContain('tmp');
    const inner = (await t.call<{ entries: SnapshotEntry[] }>('backups.ls', { serverId, site, snapshot: files.id, path: 'public_html/img' })).entries;
    expect(inner.map((e) => `${e.type}:${e.path}:${e.size}`)).toEqual(['file:public_html/img/a.bin:200000']);

    // Changes: a file edited, a folder deleted, rows changed.
    sh(`echo changed > ${home}/public_html/index.php; rm -rf ${home}/public_html/img`);
    mariadbRoot(`DELETE FROM \`${db}\`.orders WHERE id = 2; UPDATE \`${db}\`.orders SET what = 'coffee' WHERE id = 1`);

    // Beside: nothing overwritten; in place needs the site's name.
    const { tasks: beside } = await t.call<{ tasks: Task[] }>('backups.restoreFiles', { serverId, site, snapshot: files.id, paths: ['public_html/index.php'], to: 'beside' });
    expect(statuses(await settled(t, serverId))).not.toMatch(/failed/);
    const besideDir = sh(`ls -d ${home}/restored-*`)!.trim();
    expect(md5(`${besideDir}/public_html/index.php`)).toBe(sums.index);
    expect(readFileSync(`${home}/public_html/index.php`, 'utf8')).toBe('changed\n');
    expect(sh(`stat -c %U ${besideDir}/public_html/index.php`)!.trim()).toBe(site);
    expect(beside[0]!.commands.join('\n')).not.toContain(password);
    expect((await t.fail('backups.restoreFiles', { serverId, site, snapshot: files.id, paths: ['public_html/img'], to: 'place' })).fields?.confirm).toBeTruthy();
    await t.call('backups.restoreFiles', { serverId, site, snapshot: files.id, paths: ['public_html/img'], to: 'place', confirm: site });
    expect(statuses(await settled(t, serverId))).not.toMatch(/failed/);
    expect(md5(`${home}/public_html/img/a.bin`)).toBe(sums.bin);
    expect(sh(`stat -c %U ${home}/public_html/img/a.bin`)!.trim()).toBe(site);

    // The database into a scratch copy (read), then in place (confirmation: its name).
    const { database: scratch } = await t.call<{ database: string }>('backups.restoreDb', { serverId, site, snapshot: dbSnap.id, db, to: 'scratch' });
    expect(scratch).toMatch(new RegExp(`^${db}_restore_\\d{8}_\\d{4}$`));
    expect(statuses(await settled(t, serverId))).not.toMatch(/failed/);
    expect(mariadbRoot(`SELECT id, what FROM \`${scratch}\`.orders ORDER BY id`)).toBe('1\ttea\n2\tcake\n3\tjam\n');
    expect(mariadbRoot(`SELECT COUNT(*) FROM \`${db}\`.orders`).trim()).toBe('2');
    expect((await t.fail('backups.dropScratch', { serverId, site, database: `${db}`, confirm: db })).fields?.database).toBeTruthy();
    await t.call('backups.dropScratch', { serverId, site, database: scratch, confirm: scratch });
    expect(statuses(await settled(t, serverId))).not.toMatch(/failed/);
    expect(mariadbRoot(`SHOW DATABASES LIKE '${scratch.replace(/_/g, '\\_')}'`).trim()).toBe('');
    expect((await t.fail('backups.restoreDb', { serverId, site, snapshot: dbSnap.id, db, to: 'place', confirm: 'nope' })).fields?.confirm).toBeTruthy();
    await t.call('backups.restoreDb', { serverId, site, snapshot: dbSnap.id, db, to: 'place', confirm: db });
    expect(statuses(await settled(t, serverId))).not.toMatch(/failed/);
    expect(mariadbRoot(`SELECT id, what FROM \`${db}\`.orders ORDER BY id`)).toBe('1\ttea\n2\tcake\n3\tjam\n');

    // restic check.
    await t.call('backups.check', { serverId });
    const checked = await settled(t, serverId);
    expect(statuses(checked)).not.toMatch(/failed/);
    expect(checked.at(-1)!.stdoutTail).toMatch(/no errors were found/);

    // The site deleted, then restored whole from its run (created again first).
    await t.call('hosting.deleteSite', { serverId, site, confirm: site });
    expect(statuses(await settled(t, serverId))).not.toMatch(/failed/);
    expect(existsSync(home)).toBe(false);
    const restored = await t.call<{ tasks: Task[]; passwords: { db: string; password: string }[] }>('backups.restoreSite', { serverId, site, run: files.run!, confirm: site });
    expect(restored.passwords.map((p) => p.db)).toEqual([db]);
    expect(restored.tasks.map((x) => x.kind)).toEqual(expect.arrayContaining(['site.create', 'db.create', 'backup.restore-files', 'backup.restore-db']));
    expect(statuses(await settled(t, serverId))).not.toMatch(/failed/);
    expect(md5(`${home}/public_html/img/a.bin`)).toBe(sums.bin);
    expect(md5(`${home}/public_html/index.php`)).toBe(sums.index);
    expect(mariadbRoot(`SELECT id, what FROM \`${db}\`.orders ORDER BY id`)).toBe('1\ttea\n2\tcake\n3\tjam\n');

    // Failures fail their task: a database that does not exist, then an unreachable repository.
    mariadbRoot(`DROP DATABASE \`${db}\``);
    await t.call('backups.backUpNow', { serverId, site });
    const failedDump = (await settled(t, serverId)).at(-1)!;
    expect(failedDump.status).toBe('failed');
    expect(failedDump.stderrTail).toMatch(/dump of database .* failed/);
    expect((await t.call<BackupState>('backups.state', { serverId })).last[site]?.ok).toBe(false);
    await t.call('queue.skip', { serverId });
    const snapsAfter = (await t.call<{ snapshots: Snapshot[] }>('backups.snapshots', { serverId, site })).snapshots;
    expect(snapsAfter.filter((s) => s.kind === 'db').length).toBe(2); // the failed dump's snapshot was forgotten
    mariadbRoot(`CREATE DATABASE \`${db}\``);
    sh(`mv ${repoPath} ${repoPath}.away && touch ${repoPath} && chmod 0 ${repoPath}`);
    await t.call('backups.backUpNow', { serverId, site });
    const unreachable = (await settled(t, serverId)).at(-1)!;
    expect(unreachable.status).toBe('failed');
    sh(`rm -f ${repoPath} && mv ${repoPath}.away ${repoPath}`);
    await t.call('queue.skip', { serverId });

    // Hostile input: refused at the contract, nothing queued, the canary never made.
    const before = (await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length;
    const bad = [
      `../../etc`, `public_html/../../etc`, `..`, `.`, `/etc/passwd`, `a/./b`, `-rf`, `$(touch ${canary})`, `\`touch ${canary}\``, `a;touch ${canary}`, `a|touch ${canary}`, `a&&touch ${canary}`,
      `a\ntouch ${canary}`, `a\u0000b`, `a\rb`, `a*`, `a?`, `[ab]`, `'quoted'`, `"dq"`, `a\\b`, 'x'.repeat(2000), `a//b`, `a/`, `/`, `~/x`.slice(1) + '\u0085', `a$HOME`, `a>b`, `a<b`, `{a,b}`,
    ];
    for (const p of bad) {
      const error = await t.fail('backups.restoreFiles', { serverId, site, snapshot: files.id, paths: [p], to: 'beside' });
      expect(error.code, JSON.stringify(p)).toBe('invalid-input');
    }
    const badOther: [string, Record<string, unknown>][] = [
      ['backups.ls', { serverId, site, snapshot: `${files.id}; touch ${canary}`, path: '' }],
      ['backups.ls', { serverId, site, snapshot: files.id, path: `../${site}x` }],
      ['backups.restoreDb', { serverId, site, snapshot: dbSnap.id, db: `${db}\`; DROP DATABASE mysql; --`, to: 'scratch' }],
      ['backups.restoreDb', { serverId, site, snapshot: dbSnap.id, db: 'mysql', to: 'scratch' }],
      ['backups.restoreSite', { serverId, site, run: `$(touch ${canary})`, confirm: site }],
      ['backups.setSettings', { serverId, repoPath: `/var/backups/$(touch ${canary})`, policy }],
      ['backups.setSettings', { serverId, repoPath: '/var/backups/../../etc', policy }],
      ['backups.setSettings', { serverId, repoPath: 'relative/path', policy }],
      ['backups.setSettings', { serverId, repoPath, policy: { ...policy, schedule: { kind: 'daily', at: '25:00' } } }],
      ['backups.setSettings', { serverId, repoPath, policy: { ...policy, keep: { daily: -1, weekly: 0, monthly: 0 } } }],
      ['backups.backUpNow', { serverId, site: `${site};touch ${canary}` }],
      ['backups.dropScratch', { serverId, site, database: 'mysql', confirm: 'mysql' }],
    ];
    for (const [method, input] of badOther) expect((await t.fail(method, input)).code, `${method} ${JSON.stringify(input)}`).toMatch(/invalid-input|not-found/);
    expect(bad.length + badOther.length).toBeGreaterThanOrEqual(40);
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length).toBe(before);
    expect(existsSync(canary)).toBe(false);
    expect(mariadbRoot(`SHOW DATABASES LIKE 'mysql'`).trim()).toBe('mysql');

    // The password is nowhere in what the core wrote (the final scan looks again).
    for (const file of sh(`grep -rl -F -- '${password}' ${t.dataDir} ${t.home} 2>/dev/null`)?.trim().split('\n').filter(Boolean) ?? []) throw new Error(`password found in ${file}`);
    console.log(`[backups] first backup of a small site with one database: ${backupMs} ms`);
  }, 180_000);
});
