// Restoring databases and a deleted site in Chromium: web1 added as root with the testbed's
// settings, a site with a database made in the UI and backed up; the database restored into a
// scratch copy (its name shown, its rows read on the server) and the copy dropped with its name
// typed; then the site deleted and restored from its backup with "Restore a deleted site…" (its
// database's new password shown once), its file and rows back.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openKeychain } from '../../src-main/core/secrets/keychain';
import { mariadbRoot, sh } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';
import { createSiteInUi } from './sites';
import { fillTestbedServerSettings } from './server-settings';

const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hdbkr${tag}`;
const db = `${site}_shop`;
const home = `/home/${site}`;

afterAll(() => {
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(home, { recursive: true, force: true });
  for (const name of mariadbRoot(`SHOW DATABASES LIKE '${site}%'`).trim().split('\n').filter(Boolean)) mariadbRoot(`DROP DATABASE IF EXISTS \`${name}\``);
  mariadbRoot(`DROP USER IF EXISTS '${db}'@'localhost'`);
});

const suite = e2eSuite();

const rows = (database: string) => sh(`mariadb --no-defaults --socket=${suite.tb.mariadb.socket} -u root -N -B -e 'SELECT id, what FROM \`${database}\`.orders ORDER BY id'`);

describe('restores of databases and of a deleted site in the UI', () => {
  it('restores a database into a scratch copy and drops it; restores a deleted site from its backup', async () => {
    const { app, page } = await suite.open('e2e-backups-restore');
    await addTrustedWeb1(page, suite.tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    await fillTestbedServerSettings(page, suite.tb);
    const view = page.getByRole('region', { name: 'Sites of web1' });
    const row = await createSiteInUi(view, site);
    await row.getByRole('button', { name: site }).click();
    const dbs = view.getByRole('region', { name: `Databases of ${site}` });
    await dbs.getByRole('button', { name: 'New database' }).click();
    const dbForm = dbs.getByRole('form', { name: `New database for ${site}` });
    await dbForm.locator('[data-field=name] input').fill(db);
    await dbForm.locator('[data-field=user] input').fill(db);
    await dbForm.getByRole('button', { name: 'Create database' }).click();
    await dbs.getByRole('button', { name: 'Done, hide it' }).click();
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    mariadbRoot(`CREATE TABLE \`${db}\`.orders (id INT PRIMARY KEY, what VARCHAR(40)); INSERT INTO \`${db}\`.orders VALUES (1,'tea'),(2,'cake')`);
    sh(`runuser -u ${site} -- sh -c 'mkdir -p ${home}/public_html && echo kept > ${home}/public_html/index.html'`);

    const part = view.getByRole('region', { name: `Backups of ${site}` });
    await part.getByRole('button', { name: 'Backup settings…' }).click();
    const settings = part.getByRole('dialog', { name: 'Backup settings of web1' });
    await settings.locator('[data-field=repoPath] input').fill(`${suite.tb.root}/backups/e2e-restore-${tag}`);
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.waitFor({ state: 'detached' });
    const data = JSON.parse(readFileSync(path.join(app.dataDir, 'backups.json'), 'utf8')) as { servers: Record<string, { repoRef: string }> };
    registerSecret('backup repository password (e2e restore)', (await (await openKeychain()).get(Object.values(data.servers)[0]!.repoRef))!);
    await part.getByRole('button', { name: 'Back up now' }).click();
    const task = part.getByRole('status', { name: 'Backup task' });
    await expect.poll(() => task.getByTestId('backup-task-status').textContent(), { timeout: 60_000 }).toBe('done');
    expect(await task.textContent()).toContain(`database ${db} backed up`);
    mariadbRoot(`DELETE FROM \`${db}\`.orders`);

    // Into a scratch copy: the live database untouched; the copy read, then dropped with its name typed.
    const runs = part.getByRole('list', { name: `Snapshots of ${site}` });
    await runs.getByRole('button', { name: new RegExp(`^Restore database ${db} from`) }).click();
    const restoreDb = part.getByRole('dialog', { name: `Restore database ${db}` });
    await restoreDb.getByRole('button', { name: 'Restore into a scratch copy' }).click();
    const scratchBox = part.getByRole('dialog', { name: `Scratch copy of ${db}` });
    const scratch = (await scratchBox.getByTestId('scratch-name').textContent())!;
    expect(scratch).toMatch(new RegExp(`^${db}_restore_\\d{8}_\\d{4}$`));
    await expect.poll(() => task.textContent(), { timeout: 60_000 }).toMatch(new RegExp(`restored from snapshot .* into ${scratch}`));
    expect(rows(scratch)).toBe('1\ttea\n2\tcake\n');
    expect(rows(db)).toBe('');
    await scratchBox.scrollIntoViewIfNeeded();
    await calmShot(page, 'backups-10-scratch');
    await scratchBox.locator('[data-field=confirm] input').fill(scratch);
    await scratchBox.getByRole('button', { name: 'Drop scratch copy' }).click();
    await expect.poll(() => task.textContent(), { timeout: 60_000 }).toMatch(/dropped/);
    expect(mariadbRoot(`SHOW DATABASES LIKE '${scratch.replace(/_/g, '\\_')}'`).trim()).toBe('');

    // The site deleted, then restored from its backup (created again first; the new password shown once).
    await view.getByRole('region', { name: `Site ${site}` }).getByRole('button', { name: 'Delete site…' }).click();
    const del = view.getByRole('alertdialog', { name: `Delete site ${site}` });
    await del.locator('[data-field=confirm] input').fill(site);
    await del.getByRole('button', { name: `Delete ${site}` }).click();
    await expect.poll(() => sh(`id -u ${site}`), { timeout: 30_000 }).toBeNull();
    await row.waitFor({ state: 'detached' });
    await view.getByRole('button', { name: 'Restore a deleted site…' }).click();
    const dialog = view.getByRole('dialog', { name: 'Restore a deleted site' });
    await page.keyboard.type(site);
    await page.keyboard.press('Enter');
    await dialog.getByRole('radio').first().check();
    await dialog.locator('[data-field=confirm] input').fill(site);
    await calmShot(page, 'backups-11-restore-deleted');
    await dialog.getByRole('button', { name: `Create ${site} again and restore it` }).click();
    const passwords = view.getByRole('dialog', { name: 'New database passwords' });
    await passwords.getByTestId('restored-db-password').waitFor();
    expect(await passwords.getByTestId('restored-db-password').count()).toBe(1);
    await calmShot(page, 'backups-12-new-password');
    await passwords.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => rows(db), { timeout: 60_000 }).toBe('1\ttea\n2\tcake\n');
    expect(readFileSync(`${home}/public_html/index.html`, 'utf8')).toBe('kept\n');
    expect(sh(`stat -c %U ${home}/public_html/index.html`)!.trim()).toBe(site);
    await row.waitFor();
  }, 240_000);
});
