// Backups of a site in Chromium, as an admin does it: web1 added as root, a site created with a
// file, then in its Backups section: Backup settings… (a relative repository folder refused at
// its field, then a real one), Back up now (the task's status and output), the snapshot listed,
// its files browsed, a changed file restored beside into ~/restored-<date>/ (checked on disk),
// restic check. The repository password made by the app is registered for the final scan.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openKeychain } from '../../src-main/core/secrets/keychain';
import { sh } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';
import { createSiteInUi } from './sites';

const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hdbkui${tag}`;
const home = `/home/${site}`;

afterAll(() => {
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(home, { recursive: true, force: true });
});

const suite = e2eSuite();

describe('backups of a site in the UI', () => {
  it('sets up the repository, backs up now, lists the snapshot, restores a file beside, checks the repository', async () => {
    const { app, page } = await suite.open('e2e-backups');
    await addTrustedWeb1(page, suite.tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });
    const row = await createSiteInUi(view, site);
    sh(`runuser -u ${site} -- sh -c 'mkdir -p ${home}/public_html && echo "<h1>original</h1>" > ${home}/public_html/index.html'`);
    await row.getByRole('button', { name: site }).click();
    const part = view.getByRole('region', { name: `Backups of ${site}` });
    await part.scrollIntoViewIfNeeded();
    expect(await part.textContent()).toContain('Backups are not set up on web1');

    // Settings: a relative folder is refused at its field; then a real one (the password is made then).
    await part.getByRole('button', { name: 'Backup settings…' }).click();
    const settings = part.getByRole('dialog', { name: 'Backup settings of web1' });
    const repo = settings.locator('[data-field=repoPath] input');
    await repo.fill('backups/main');
    await page.keyboard.press('Enter');
    await expect.poll(() => settings.locator('[data-field=repoPath] .field-error').textContent()).toMatch(/absolute path/);
    await settings.locator('[data-field=repoPath]').scrollIntoViewIfNeeded();
    await calmShot(page, 'backups-00-settings-error');
    await repo.fill(`${suite.tb.root}/backups/e2e-${tag}`);
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.waitFor({ state: 'detached' });
    const data = JSON.parse(readFileSync(path.join(app.dataDir, 'backups.json'), 'utf8')) as { servers: Record<string, { repoRef: string }> };
    const password = await (await openKeychain()).get(Object.values(data.servers)[0]!.repoRef);
    expect(password).toBeTruthy();
    registerSecret('backup repository password (e2e)', password!);
    await expect.poll(() => part.getByTestId('backup-last').textContent()).toMatch(/Not backed up yet.*daily at 03:00/);

    // Back up now: the task's status, then its output; the snapshot is listed.
    await part.getByRole('button', { name: 'Back up now' }).click();
    const task = part.getByRole('status', { name: 'Backup task' });
    await expect.poll(() => task.getByTestId('backup-task-status').textContent(), { timeout: 60_000 }).toBe('done');
    expect(await task.textContent()).toContain(`files of ${home} backed up`);
    const runs = part.getByRole('list', { name: `Snapshots of ${site}` });
    await expect.poll(() => runs.locator('li').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => part.getByTestId('backup-last').textContent()).toMatch(/Last backup (just now|\d+ min ago)/);
    await part.scrollIntoViewIfNeeded();
    await calmShot(page, 'backups-01-backed-up');

    // The file changes; restore it beside from the snapshot, browsing to it by keyboard and mouse.
    sh(`echo "<h1>broken</h1>" > ${home}/public_html/index.html`);
    await runs.locator('li').first().getByRole('button', { name: /^Restore files from/ }).click();
    const restore = part.getByRole('dialog', { name: `Restore files of ${site}` });
    const files = restore.getByRole('list', { name: 'Files of the snapshot' });
    await files.getByRole('button', { name: 'Open public_html' }).click();
    await restore.getByRole('checkbox', { name: 'Pick public_html/index.html' }).check();
    expect(await restore.textContent()).toContain('Picked: public_html/index.html');
    await calmShot(page, 'backups-02-pick');
    await restore.getByRole('button', { name: /^Restore beside/ }).click();
    await restore.waitFor({ state: 'detached' });
    await expect.poll(() => task.textContent(), { timeout: 60_000 }).toMatch(/restored from snapshot .* into .*restored-/);
    expect(await task.getByTestId('backup-task-status').textContent()).toBe('done');
    const beside = sh(`ls -d ${home}/restored-*`)!.trim();
    expect(readFileSync(`${beside}/public_html/index.html`, 'utf8')).toBe('<h1>original</h1>\n');
    expect(readFileSync(`${home}/public_html/index.html`, 'utf8')).toBe('<h1>broken</h1>\n');
    await calmShot(page, 'backups-03-restored-beside');

    // restic check on demand.
    await part.getByRole('button', { name: 'Check repository' }).click();
    await expect.poll(() => task.textContent(), { timeout: 60_000 }).toMatch(/no errors were found/);
    await calmShot(page, 'backups-04-checked');
  }, 180_000);
});
