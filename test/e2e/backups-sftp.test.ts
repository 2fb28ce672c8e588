// Backups of a site into a repository on another server, in Chromium: web2 and web1 added as
// root, a site on web1; Backup settings… with "Another server of the inventory" (web2) and a
// folder there, the preview of the SSH setup on both servers, queued; Back up now lands the
// snapshot on web2 (the repository folder owned by its backup account). The repository password
// and the SSH key Hostdeck made are registered for the final scan. Then the records age the last
// backup past what the policy allows: web1 is red ("needs action") in fleet health and the age
// is red in the site's Backups section.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openKeychain } from '../../src-main/core/secrets/keychain';
import { sh } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';
import { addTrustedServer, addTrustedWeb1, calmShot, e2eSuite } from './app';
import { createSiteInUi } from './sites';

const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hdbksf${tag}`;
const home = `/home/${site}`;
const repoPath = `/var/backups/hostdeck/e2e-sftp-${tag}`;
let cleanup: { keyDir: string; sourceId: string } | null = null;

afterAll(() => {
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(home, { recursive: true, force: true });
  rmSync(repoPath, { recursive: true, force: true });
  if (cleanup) {
    rmSync(cleanup.keyDir, { recursive: true, force: true });
    sh(`sed -i '/hostdeck-backup-from-${cleanup.sourceId}$/d' /var/lib/hostdeck-backup/.ssh/authorized_keys`);
  }
});

const suite = e2eSuite();

describe('backups into another server of the inventory, in the UI', () => {
  it('chooses web2 as the repository place, previews and queues the SSH setup, backs up to it; a stale backup shows red', async () => {
    const { app, page } = await suite.open('e2e-backups-sftp');
    await addTrustedServer(page, suite.tb, 'web2', 'root');
    await addTrustedWeb1(page, suite.tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });
    const row = await createSiteInUi(view, site);
    sh(`runuser -u ${site} -- sh -c 'mkdir -p ${home}/public_html && echo "<h1>kept on web2</h1>" > ${home}/public_html/index.html'`);
    await row.getByRole('button', { name: site }).click();
    const part = view.getByRole('region', { name: `Backups of ${site}` });
    await part.scrollIntoViewIfNeeded();

    // Settings: another server of the inventory; the folder there follows the source's name.
    await part.getByRole('button', { name: 'Backup settings…' }).click();
    const settings = part.getByRole('dialog', { name: 'Backup settings of web1' });
    await settings.getByRole('radio', { name: 'Another server of the inventory' }).check();
    expect(await settings.getByRole('combobox', { name: 'Backup server' }).inputValue()).toBeTruthy();
    expect(await settings.getByRole('combobox', { name: 'Backup server' }).locator('option:checked').textContent()).toBe(`web2 (${suite.tb.ssh.web2.host})`);
    const repo = settings.locator('[data-field=repoPath] input');
    expect(await repo.inputValue()).toBe('/var/backups/hostdeck/web1');
    expect(await settings.locator('[data-field=repoPath] .label').textContent()).toBe('Repository folder on web2');
    await repo.fill(repoPath);
    await settings.scrollIntoViewIfNeeded();
    await calmShot(page, 'backups-sftp-00-settings');

    // The preview: the account on web2, restricted to SFTP; the key pair and pinned key on web1.
    await settings.getByRole('button', { name: 'Preview and save…' }).click();
    const preview = page.getByRole('dialog', { name: /^Preview: backups of web1 on web2/ });
    await preview.waitFor();
    const items = preview.locator('.preview-tasks > li');
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).locator('strong').textContent()).toMatch(/^On web2: Let web1 store backups in/);
    expect(await items.nth(0).locator('pre').textContent()).toContain('restrict,command="internal-sftp"');
    expect(await items.nth(1).locator('strong').textContent()).toMatch(/^On web1: SSH key and pinned host key for the backup server web2/);
    await calmShot(page, 'backups-sftp-01-preview');
    await preview.getByRole('button', { name: 'Queue these tasks' }).click();
    await settings.waitFor({ state: 'detached' });
    await expect.poll(() => part.getByTestId('backup-place').textContent()).toBe('web2 (over SFTP)');
    // The setup task of web1 shows in the section as it runs.
    const task = part.getByRole('status', { name: 'Backup task' });
    await expect.poll(() => task.textContent(), { timeout: 30_000 }).toMatch(/^SSH key and pinned host key for the backup server web2: done/);

    const data = JSON.parse(readFileSync(path.join(app.dataDir, 'backups.json'), 'utf8')) as { servers: Record<string, { repoRef: string; target: { serverId: string } }> };
    const [sourceId, mine] = Object.entries(data.servers)[0]!;
    const keyDir = `/etc/hostdeck/backup-ssh/${mine.target.serverId}`;
    cleanup = { keyDir, sourceId };
    // Under load the keychain's first answer can be slow: ask again rather than read a fallback's nothing.
    let password: string | null = null;
    await expect.poll(async () => (password = await (await openKeychain()).get(mine.repoRef)), { timeout: 15_000 }).toBeTruthy();
    registerSecret('backup repository password (e2e sftp)', password!);
    // The setup runs on two queues: the folder on web2 and the key on web1 are there before the backup.
    await expect.poll(() => sh(`stat -c %U '${repoPath}' 2>/dev/null`), { timeout: 30_000 }).toBe('hostdeck-backup\n');
    await expect.poll(() => sh(`cat '${keyDir}/id_ed25519' 2>/dev/null`), { timeout: 30_000 }).toMatch(/PRIVATE KEY/);
    registerSecret('backup SSH private key (e2e)', readFileSync(`${keyDir}/id_ed25519`, 'utf8'));

    await part.getByRole('button', { name: 'Back up now' }).click();
    await expect.poll(() => task.textContent(), { timeout: 60_000 }).toMatch(new RegExp(`^Back up site ${site}: done`));
    expect(await task.textContent()).toContain(`repository created at sftp:hostdeck-backup@${suite.tb.ssh.web2.host}:${repoPath}`);
    const runs = part.getByRole('list', { name: `Snapshots of ${site}` });
    await expect.poll(() => runs.locator('li').count(), { timeout: 10_000 }).toBe(1);
    expect(sh(`stat -c %U '${repoPath}/config'`)).toBe('hostdeck-backup\n');
    await part.scrollIntoViewIfNeeded();
    await calmShot(page, 'backups-sftp-02-backed-up');

    // The records say the last good backup was 50 h ago (the daily policy allows 25 h): red in
    // fleet health ("needs action", not amber) and in the site's Backups section.
    const file = path.join(app.dataDir, 'backups.json');
    const records = JSON.parse(readFileSync(file, 'utf8')) as { servers: Record<string, { last: Record<string, { okAt: string }> }> };
    records.servers[sourceId]!.last[site]!.okAt = new Date(Date.now() - 50 * 3_600_000).toISOString();
    writeFileSync(file, JSON.stringify(records));
    await page.getByRole('button', { name: /^Fleet health/ }).click();
    const fleet = page.getByRole('region', { name: 'Fleet health' });
    await fleet.getByRole('button', { name: 'Check now' }).click();
    const healthRow = fleet.locator('tr.health-row[data-server=web1]');
    await healthRow.locator('.status-alert').waitFor({ timeout: 20_000 });
    expect(await healthRow.locator('.status-alert').textContent()).toBe('needs action');
    expect(await healthRow.locator('.reason').textContent()).toContain(`The last backup of site ${site} is 50 h old (its policy allows 25 h)`);
    const red = 'rgb(214, 69, 69)';
    expect(await healthRow.locator('.light').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe(red);
    expect(await page.getByRole('navigation', { name: 'Fleet' }).getByRole('button', { name: /web1/ }).locator('.light').getAttribute('class')).toBe('light light-alert');
    await calmShot(page, 'backups-sftp-03-fleet-health-red');

    // Back to the site (its detail closed and opened again, as a user coming back later would).
    await page.getByRole('tab', { name: /web1 · sites/ }).click();
    await row.getByRole('button', { name: site }).click();
    await part.waitFor({ state: 'detached' });
    await row.getByRole('button', { name: site }).click();
    const last = part.getByTestId('backup-last');
    await expect.poll(() => last.textContent()).toMatch(/^Last backup 2 days ago/);
    expect(await last.getAttribute('class')).toBe('backup-stale');
    expect(await last.evaluate((e) => getComputedStyle(e).color)).toBe(red);
    await part.scrollIntoViewIfNeeded();
    await calmShot(page, 'backups-sftp-04-site-stale-red');
  }, 180_000);
});
