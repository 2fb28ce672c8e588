// Sites shared in team mode, as a person sees them in Chromium: A has web1's sites open; another
// workstation (B, a second app in the same team) creates a site and changes the server's hosting
// settings; A's open window shows both without a reload. Then A edits the settings from the form
// it opened before B's change: it is shown both versions and takes B's. A site's PHP form A opened
// before B turned PHP on: A's save shows both and A overwrites B's. A zone record A is editing
// is changed by B: A's save shows both values and A overwrites B's with its own.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostingSettings, SiteRecord } from '../../shared/api/hosting';
import { DEFAULT_PHP_VALUES } from '../../shared/php';
import type { Server } from '../../shared/domain';
import { removeTestPool, testbedPhpSettings } from '../helpers/php';
import { teamDatabase, type TestTeamDb } from '../helpers/team';
import { addTrustedWeb1, calmShot, contract, e2eSuite, newPage } from './app';

const suite = e2eSuite();
const dbs: TestTeamDb[] = [];
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const mine = `hdteama${tag}`;
const theirs = `hdteamb${tag}`;

afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
  await removeTestPool(mine);
  for (const site of [mine, theirs]) {
    try {
      execFileSync('sh', ['-c', `id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`], { stdio: 'ignore' });
    } catch {
      // absent
    }
    rmSync(`/home/${site}`, { recursive: true, force: true });
    rmSync(`/etc/cron.d/hostdeck-${site}`, { force: true });
  }
});

describe('team hosting', () => {
  it("another workstation's new site and settings show in the open window; a stale settings save asks", async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const connect = { host: db.config.host, port: db.config.port, user: db.config.user, password: db.password, database: db.config.database };

    // A: web1 as root, a team made from that; the Sites view open with a site made in the UI.
    const a = await suite.start('e2e-team-hosting-a');
    const pa = await newPage(suite.browser);
    await pa.goto(a.url);
    await addTrustedWeb1(pa, suite.tb, 'root');
    await contract(pa, 'team.create', { ...connect, teamName: 'Hosting', workstation: 'ws-a' });
    await pa.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = pa.getByRole('region', { name: 'Sites of web1' });
    const newSite = view.getByRole('form', { name: 'New site' });
    await newSite.locator('[data-field=name] input').fill(mine);
    await newSite.locator('[data-field=quotaMb] input').fill('0');
    await newSite.getByRole('button', { name: 'Create site' }).click();
    await view.locator(`tr.site-row[data-site=${mine}]`).waitFor();
    // A opens the server settings form now (B changes them below).
    await view.locator('details.hosting-settings summary').click();
    const settings = view.getByRole('form', { name: 'Server settings' });

    // B: another workstation of the team, no window needed beyond its contract.
    const b = await suite.start('e2e-team-hosting-b');
    const pb = await newPage(suite.browser);
    await pb.goto(b.url);
    await contract(pb, 'team.join', { ...connect, workstation: 'ws-b' });
    const [web1] = await contract<Server[]>(pb, 'servers.list', {});
    const current = await contract<{ settings: HostingSettings; settingsVersion?: number }>(pb, 'hosting.sites', { serverId: web1!.id });
    const started = Date.now();
    await contract(pb, 'hosting.createSite', { serverId: web1!.id, name: theirs, quotaMb: 0 });
    await contract(pb, 'hosting.setSettings', { serverId: web1!.id, cron: { dir: '/etc/cron.d', runner: '/usr/local/lib/hostdeck/cron-run-b' }, baseVersion: current.settingsVersion });

    // A's window, not reloaded: B's site is listed within 2 s (the change feed), its settings summary follows.
    await view.locator(`tr.site-row[data-site=${theirs}]`).waitFor({ timeout: 2000 });
    const shownMs = Date.now() - started;
    expect(shownMs).toBeLessThan(2000);
    expect(await view.locator('tr.site-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-site')))).toEqual([mine, theirs].sort());
    await view.locator(`tr.site-row[data-site=${theirs}]`).scrollIntoViewIfNeeded();
    await calmShot(pa, 'team-hosting-01-their-site');

    // A's form was opened before B's save: saving it shows both and asks; A takes B's.
    const runner = settings.locator('[data-field="cron.runner"] input');
    await runner.fill('/usr/local/lib/hostdeck/cron-run-a');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    const note = settings.getByRole('alertdialog', { name: 'Edit conflict' });
    await note.waitFor();
    expect(await note.locator('tr[data-field=cronRunner] .conflict-yours').textContent()).toBe('/usr/local/lib/hostdeck/cron-run-a');
    expect(await note.locator('tr[data-field=cronRunner] .conflict-theirs').textContent()).toBe('/usr/local/lib/hostdeck/cron-run-b');
    expect(await note.textContent()).toContain('ws-b changed this');
    await note.scrollIntoViewIfNeeded();
    await calmShot(pa, 'team-hosting-02-settings-conflict');
    await note.getByRole('button', { name: 'Take theirs' }).click();
    expect(await runner.inputValue()).toBe('/usr/local/lib/hostdeck/cron-run-b');
    expect((await contract<{ settings: HostingSettings }>(pa, 'hosting.sites', { serverId: web1!.id })).settings.cron?.runner).toBe('/usr/local/lib/hostdeck/cron-run-b');

    // A site's PHP: A opens its form; B turns PHP on with other values meanwhile (A's window shows
    // it, the form stays); A's save shows both values and A overwrites B's with its own.
    await contract(pb, 'hosting.setSettings', { serverId: web1!.id, php: testbedPhpSettings(suite.tb) });
    await expect.poll(async () => (await contract<{ settings: HostingSettings }>(pa, 'hosting.sites', { serverId: web1!.id })).settings.php?.poolDir, { timeout: 2000 }).toBe(suite.tb.php.poolsDir);
    await view.locator(`tr.site-row[data-site=${mine}]`).getByRole('button', { name: mine }).click();
    const part = view.getByRole('region', { name: `Site ${mine}` }).getByRole('region', { name: `PHP of ${mine}` });
    await part.getByRole('button', { name: 'Turn PHP on' }).click();
    const phpForm = part.getByRole('form', { name: `PHP of ${mine}` });
    await expect.poll(() => phpForm.locator('[data-field=version] select').inputValue(), { timeout: 15_000 }).toBe(suite.tb.php.version);
    await phpForm.locator('[data-field="values.memoryLimit"] input').fill('192M');
    const onB = await contract<{ siteVersions?: Record<string, number> }>(pb, 'hosting.sites', { serverId: web1!.id });
    await contract(pb, 'hosting.setPhp', { serverId: web1!.id, site: mine, version: suite.tb.php.version, values: { ...DEFAULT_PHP_VALUES, memoryLimit: '96M' }, extras: [], baseVersion: onB.siteVersions![mine] });
    await part.getByTestId('php-summary').waitFor({ timeout: 2000 });
    await phpForm.locator('button[type=submit]').click();
    const phpNote = phpForm.getByRole('alertdialog', { name: 'Edit conflict' });
    await phpNote.waitFor();
    expect(await phpNote.locator('tr[data-field=memoryLimit] .conflict-yours').textContent()).toBe('192M');
    expect(await phpNote.locator('tr[data-field=memoryLimit] .conflict-theirs').textContent()).toBe('96M');
    expect(await phpNote.locator('tr').count()).toBe(2); // the header and the one value that differs
    expect(await phpNote.textContent()).toContain('ws-b changed this');
    await phpNote.scrollIntoViewIfNeeded();
    await calmShot(pa, 'team-hosting-03-php-conflict');
    await phpNote.getByRole('button', { name: 'Overwrite with mine' }).click();
    await phpForm.waitFor({ state: 'detached' });
    const memoryOnB = async () => (await contract<{ sites: SiteRecord[] }>(pb, 'hosting.sites', { serverId: web1!.id })).sites.find((x) => x.name === mine)?.php?.values.memoryLimit;
    await expect.poll(memoryOnB, { timeout: 2000 }).toBe('192M');

    // A new cron job: A's form opened before B added one; A's save shows both lists of jobs, A keeps theirs (its form closes, nothing saved).
    const cron = view.getByRole('region', { name: `Site ${mine}` }).getByRole('region', { name: `Cron jobs of ${mine}` });
    await cron.getByRole('button', { name: 'Add cron job' }).click();
    const cronForm = cron.getByRole('form', { name: `Add a cron job of ${mine}` });
    await cronForm.locator('[data-field=schedule] input').fill('0 4 * * *');
    await cronForm.locator('[data-field=command] input').fill('php mine.php');
    const sitesOnB = await contract<{ siteVersions?: Record<string, number> }>(pb, 'hosting.sites', { serverId: web1!.id });
    await contract(pb, 'hosting.setCronJob', { serverId: web1!.id, site: mine, schedule: '0 5 * * *', command: 'php theirs.php', baseVersion: sitesOnB.siteVersions![mine] });
    await cron.locator('code.cron-command').filter({ hasText: 'php theirs.php' }).waitFor({ timeout: 2000 });
    await cronForm.getByRole('button', { name: 'Add job' }).click();
    const cronNote = cronForm.getByRole('alertdialog', { name: 'Edit conflict' });
    await cronNote.waitFor();
    expect(await cronNote.locator('tr[data-field=jobs] .conflict-theirs').textContent()).toBe('0 5 * * * php theirs.php');
    // Overwriting adds this job to theirs: that is what "yours" shows.
    expect(await cronNote.locator('tr[data-field=jobs] .conflict-yours').textContent()).toBe('0 5 * * * php theirs.php; 0 4 * * * php mine.php');
    await cronNote.scrollIntoViewIfNeeded();
    await calmShot(pa, 'team-hosting-04-cron-conflict');
    await cronNote.getByRole('button', { name: 'Take theirs' }).click();
    await cronForm.waitFor({ state: 'detached' });
    expect(await cron.locator('code.cron-command').allTextContents()).toEqual(['php theirs.php']);

    // Backup settings: A's dialog opened before B gave the site a policy of its own; A's save shows
    // both (only the site's policy differs), A takes theirs into the dialog and leaves it unsaved.
    const backupsPart = view.getByRole('region', { name: `Backups of ${mine}` });
    await backupsPart.getByRole('button', { name: 'Backup settings…' }).click();
    const backupDialog = backupsPart.getByRole('dialog', { name: 'Backup settings of web1' });
    const backupsOnB = await contract<{ version?: number }>(pb, 'backups.state', { serverId: web1!.id });
    await contract(pb, 'backups.setSitePolicy', { serverId: web1!.id, site: mine, policy: { schedule: { kind: 'daily', at: '02:30' }, keep: { daily: 3, weekly: 0, monthly: 0 } }, baseVersion: backupsOnB.version });
    await backupDialog.getByRole('button', { name: 'Save' }).click();
    const backupNote = backupDialog.getByRole('alertdialog', { name: 'Edit conflict' });
    await backupNote.waitFor();
    expect(await backupNote.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')))).toEqual(['own']);
    expect(await backupNote.locator('tr[data-field=own] .conflict-yours').textContent()).toBe('—');
    expect(await backupNote.locator('tr[data-field=own] .conflict-theirs').textContent()).toMatch(/02:30.*3 daily/);
    await backupNote.scrollIntoViewIfNeeded();
    await calmShot(pa, 'team-hosting-05-backup-conflict');
    await backupNote.getByRole('button', { name: 'Take theirs' }).click();
    expect(await backupDialog.getByRole('checkbox', { name: `${mine} has its own policy` }).isChecked()).toBe(true);
    await backupDialog.getByRole('button', { name: 'Cancel' }).click();

    // A zone record: A opens its edit form; B changes the record meanwhile (A's list follows, the
    // form stays); A's save shows both values and A overwrites theirs with its own.
    const zone = `team-e2e-${tag}.test`;
    const www = { name: 'www', type: 'A', ttl: 300, value: '192.0.2.10' };
    await contract(pb, 'dns.createZone', { zone, ttl: 300, soa: { primary: 'ns1.example.test.', email: 'hostmaster@example.test', refresh: 3600, retry: 600, expire: 86400, minimum: 300 }, nameservers: ['ns1.example.test.'] });
    await contract(pb, 'dns.putRecord', { zone, record: www });
    await pa.getByRole('button', { name: 'DNS zones' }).click();
    const dns = pa.getByRole('region', { name: 'DNS zones' });
    await dns.locator(`tr[data-zone="${zone}"] .dns-zone-open`).click();
    const editor = dns.getByRole('region', { name: `Zone ${zone}` });
    await editor.getByRole('button', { name: 'Edit A record www' }).click();
    const edit = editor.getByRole('form', { name: 'Edit A record www' });
    await edit.getByRole('textbox', { name: 'Value' }).fill('192.0.2.20');
    await contract(pb, 'dns.putRecord', { zone, record: { ...www, value: '192.0.2.30' }, old: www });
    await editor.locator('tr[data-record="www A"] .dns-value').filter({ hasText: '192.0.2.30' }).waitFor({ timeout: 2000 });
    await edit.getByRole('button', { name: 'Save' }).click();
    const recordNote = edit.getByRole('alertdialog', { name: 'Edit conflict' });
    await recordNote.waitFor();
    expect(await recordNote.locator('tr[data-field=value] .conflict-yours').textContent()).toBe('192.0.2.20');
    expect(await recordNote.locator('tr[data-field=value] .conflict-theirs').textContent()).toBe('192.0.2.30');
    await recordNote.scrollIntoViewIfNeeded();
    await calmShot(pa, 'team-hosting-06-record-conflict');
    await recordNote.getByRole('button', { name: 'Overwrite with mine' }).click();
    await edit.waitFor({ state: 'detached' });
    // B has it within the change feed's poll.
    const wwwOnB = async () => (await contract<{ zone: { records: { name: string; value: string }[] } }>(pb, 'dns.zone', { zone })).zone.records.filter((r) => r.name === 'www').map((r) => r.value);
    await expect.poll(wwwOnB, { timeout: 2000 }).toEqual(['192.0.2.20']);
    console.log(`team hosting e2e: B's site shown in A's window after ${shownMs} ms`);
  });
});
