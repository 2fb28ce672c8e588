// Issue 4's server views, audit and export as a user drives them in Chromium: web1's MariaDB
// through SSH — the process list shows a SELECT SLEEP(20) run from a separate connection, which
// is killed from the UI after a confirmation and disappears; the status filter; cust_alpha with
// its grant; an export of a table to CSV with progress; an import that stops at a broken
// statement and says which; the audit log with the statements.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { active, e2eSuite, shot } from './app';
import { connectWeb1Db } from './db-setup';

const suite = e2eSuite();

describe('server views, export and audit in the UI', () => {
  it('kills a query from the process list, filters status, shows grants, exports, audits', async () => {
    const { app, page } = await suite.open('e2e-db-admin');
    await connectWeb1Db(page, suite.tb);

    await active(page).getByRole('button', { name: 'Processes, status, users' }).click();
    await page.getByRole('tab', { name: /MySQL server/ }).waitFor();
    const list = active(page).getByRole('region', { name: 'Process list' });
    await list.locator('tr[data-thread]').first().waitFor({ timeout: 20_000 });

    // A long query from elsewhere (a customer's site, say).
    const other = await mysql.createConnection({ host: suite.tb.mariadb.host, port: suite.tb.mariadb.port, user: suite.tb.mariadb.adminUser, password: suite.tb.mariadb.adminPassword });
    const sleeping = other.query('SELECT SLEEP(20) AS hd_e2e_sleep').catch((e: unknown) => e);
    try {
      const row = list.locator(`tr[data-thread="${other.threadId}"]`);
      await expect.poll(async () => (await row.count()) > 0 && ((await row.textContent()) ?? '').includes('SLEEP(20)'), { timeout: 10_000 }).toBe(true);
      await shot(page, 'db-admin-01-process-list');
      await row.getByRole('button', { name: 'Kill connection' }).click();
      const confirm = active(page).getByRole('alertdialog', { name: 'Confirm kill' });
      expect(await confirm.textContent()).toContain(`thread ${other.threadId}`);
      await confirm.getByRole('button', { name: `Kill connection ${other.threadId}` }).click();
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
      const outcome = await sleeping;
      // KILL CONNECTION: the client sees its connection go (or the query interrupted).
      expect(outcome === undefined || outcome instanceof Error || Array.isArray(outcome)).toBe(true);
    } finally {
      other.destroy();
    }

    // Status with a filter.
    await active(page).getByRole('tab', { name: 'Status' }).click();
    const status = active(page).getByRole('region', { name: 'Global status' });
    await status.locator('tbody tr').first().waitFor();
    const all = await status.locator('tbody tr').count();
    await status.getByRole('searchbox', { name: 'Filter status' }).fill('uptime');
    await expect.poll(() => status.locator('tbody tr').count()).toBeLessThan(all);
    for (const name of await status.locator('tbody tr td:first-child').allTextContents()) expect(name.toLowerCase()).toContain('uptime');
    expect(await status.locator('tbody tr td:first-child').allTextContents()).toContain('Uptime');
    await shot(page, 'db-admin-02-status-filter');

    // Users and grants.
    await active(page).getByRole('tab', { name: 'Users' }).click();
    const alpha = active(page).locator('.user-card[data-user="cust_alpha@localhost"]');
    await alpha.waitFor({ timeout: 15_000 });
    expect(await alpha.textContent()).toMatch(/GRANT ALL PRIVILEGES ON `cust\\?_alpha`\.\* TO `cust_alpha`@`localhost`/);
    expect(await active(page).locator('.users-list').textContent()).not.toMatch(/PASSWORD '\*[0-9A-F]{40}'/);
    await shot(page, 'db-admin-03-users');

    // Export shop.orders to CSV with progress (the path on the core's side: ~ is its home).
    await active(page).getByRole('tab', { name: 'Export…' }).click();
    const dialog = active(page).getByRole('region', { name: 'Export' });
    await dialog.locator('input[name=export-database]').fill('shop');
    await dialog.locator('input[name=export-table]').fill('orders');
    // The path follows the table once React has rendered the typed name.
    await expect.poll(() => dialog.locator('input[name=export-path]').inputValue()).toBe('~/Downloads/orders.csv');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const progress = dialog.getByRole('status');
    await expect.poll(async () => (await progress.textContent()) ?? '', { timeout: 20_000 }).toMatch(/Exporting… [1-9][\d,]* rows/);
    await shot(page, 'db-admin-04-export-progress');
    await expect.poll(async () => (await progress.textContent()) ?? '', { timeout: 60_000 }).toMatch(/Done: 1,000,000 rows/);
    const file = path.join(app.home, 'Downloads', 'orders.csv');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, { encoding: 'utf8' }).slice(0, 60)).toMatch(/^id,customer,email,amount,status,created_at,note\r\n1,/);

    // Import a file with an error in the middle: it stops there, says which, keeps what ran.
    const check = await mysql.createConnection({ host: suite.tb.mariadb.host, port: suite.tb.mariadb.port, user: suite.tb.mariadb.adminUser, password: suite.tb.mariadb.adminPassword });
    const scratch = `hd_e2e_import_${process.pid}`;
    await check.query(`CREATE DATABASE \`${scratch}\``);
    try {
      writeFileSync(path.join(app.home, 'broken.sql'), 'CREATE TABLE t (id INT PRIMARY KEY);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (oops);\nINSERT INTO t VALUES (3);\n');
      await active(page).getByRole('tab', { name: 'Import…' }).click();
      const importer = active(page).getByRole('region', { name: 'Import' });
      await importer.locator('input[name=import-database]').fill(scratch);
      await importer.locator('input[name=import-path]').fill('~/broken.sql');
      await importer.getByRole('button', { name: 'Import', exact: true }).click();
      const stopped = importer.getByRole('alert', { name: 'Import stopped' });
      await stopped.waitFor({ timeout: 20_000 });
      expect(await stopped.textContent()).toMatch(/Stopped at statement 3 \(line 3\): .*oops.*INSERT INTO t VALUES \(oops\).*The 2 statements before it were applied/s);
      await shot(page, 'db-admin-05-import-stopped');
      const [rows] = await check.query(`SELECT id FROM \`${scratch}\`.t ORDER BY id`);
      expect(rows).toEqual([{ id: 1 }]);
    } finally {
      await check.query(`DROP DATABASE \`${scratch}\``);
      await check.end();
    }

    // The audit log, from the status bar.
    await page.getByRole('button', { name: 'audit log' }).click();
    const audit = active(page).getByRole('table');
    await audit.locator('tbody tr').first().waitFor();
    const text = (await audit.textContent()) ?? '';
    expect(text).toContain(`KILL CONNECTION ${other.threadId}`);
    expect(text).toContain('SELECT * FROM `shop`.`orders`');
    await active(page).locator('.audit-table tbody tr', { hasText: 'SELECT * FROM `shop`.`orders`' }).first().locator('.outcome-ok').waitFor();
    await shot(page, 'db-admin-06-audit-log');
    await active(page).getByRole('combobox', { name: 'Outcome filter' }).selectOption('error');
    await expect.poll(() => active(page).locator('.audit-table tbody tr .outcome-ok').count()).toBe(0);

    // Support mode: the indicator in the status bar, and the kill refused.
    await page.getByRole('button', { name: 'Settings' }).click();
    await active(page).locator('input[name=supportMode]').click(); // applied when the core confirms
    await page.locator('.support-mode-indicator').waitFor();
    await shot(page, 'db-admin-07-support-mode');
    await active(page).locator('input[name=supportMode]').click();
    await expect.poll(() => page.locator('.support-mode-indicator').count()).toBe(0);
  });
});
