// MySQL users edited from the database browser, as a user does it in Chromium against web1's
// MariaDB through SSH: a new user with a generated password (shown once, masked in screenshots)
// that then logs in (a hostile host refused under its field first); SELECT granted on
// shop.orders after the preview of the exact statement (it reads that table, not
// shop.customers) and revoked again; a drop with the account typed; support mode offers no change.
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { registerSecret } from '../helpers/secrets';
import { active, e2eSuite, shot } from './app';
import { connectWeb1Db } from './db-setup';

const suite = e2eSuite();
const USER = 'hd_e2e_shop';
const LABEL = `${USER}@localhost`;

async function asAdmin<T>(fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ host: suite.tb.mariadb.host, port: suite.tb.mariadb.port, user: suite.tb.mariadb.adminUser, password: suite.tb.mariadb.adminPassword });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const dropUser = () => asAdmin((c) => c.query(`DROP USER IF EXISTS ${USER}@localhost`));
const exists = () => asAdmin(async (c) => ((await c.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ?', [USER]))[0][0]!.n as number) === 1);

/** What the account can read, through the testbed's socket (so as @localhost). */
async function readable(password: string, tables: string[]): Promise<string[]> {
  const c = await mysql.createConnection({ socketPath: suite.tb.mariadb.socket, user: USER, password });
  try {
    const out: string[] = [];
    for (const t of tables) if (await c.query(`SELECT 1 FROM ${t} LIMIT 1`).then(() => true, () => false)) out.push(t);
    return out;
  } finally {
    await c.end();
  }
}

afterAll(dropUser);

describe('MySQL users in the UI', () => {
  it('creates a user with a generated password, grants on a table after the preview, drops it typed', async () => {
    await dropUser();
    const { page } = await suite.open('e2e-db-accounts');
    await connectWeb1Db(page, suite.tb);
    await active(page).getByRole('button', { name: 'Processes, status, users' }).click();
    await active(page).getByRole('tab', { name: 'Users' }).click();
    const users = active(page).getByRole('region', { name: 'Users and grants' });
    await users.locator('.user-card').first().waitFor({ timeout: 15_000 });

    // New user; the password left empty is generated.
    await users.getByRole('button', { name: 'New user…' }).click();
    const form = users.getByRole('form', { name: 'New MySQL user' });
    await form.locator('[data-field=user] input').fill(USER);
    await expect.poll(() => form.locator('[data-field=host] input').inputValue()).toBe('localhost');
    // A host no account may have: the error under its field, and nothing previewed.
    await form.locator('[data-field=host] input').fill("%'@'%");
    await form.getByRole('button', { name: 'Preview and create…' }).click();
    await form.locator('[data-field=host] .field-error').waitFor();
    expect(await form.locator('[data-field=host] .field-error').textContent()).toMatch(/^Host is %, localhost, an IP address/);
    expect(await page.getByRole('dialog').count()).toBe(0);
    await shot(page, 'db-accounts-00-host-refused');
    await form.locator('[data-field=host] input').fill('localhost');
    await form.getByRole('button', { name: 'Preview and create…' }).click();
    const preview = page.getByRole('dialog', { name: `Preview: create ${LABEL}` });
    await preview.waitFor();
    expect(await preview.getByLabel('Statements').textContent()).toBe(`CREATE USER \`${USER}\`@\`localhost\` IDENTIFIED BY '***'`);
    expect(await exists()).toBe(false);
    await shot(page, 'db-accounts-01-create-preview');
    await preview.getByRole('button', { name: 'Run this statement' }).click();
    const secret = users.getByRole('status', { name: `Password of ${LABEL}` });
    await secret.waitFor({ timeout: 15_000 });
    const password = (await secret.getByTestId('account-password').textContent()) ?? '';
    registerSecret('MySQL account password (generated, e2e)', password);
    expect(password).toMatch(/^.{20}$/);
    const card = users.locator(`.user-card[data-user="${LABEL}"]`);
    await card.waitFor();
    await shot(page, 'db-accounts-02-password-once');
    expect(await readable(password, ['shop.orders', 'shop.customers'])).toEqual([]);
    await secret.getByRole('button', { name: 'Done, hide it' }).click();
    expect(await users.locator('.secret-once').count()).toBe(0);

    // SELECT on shop.orders: the preview shows the statement first.
    await card.getByRole('button', { name: `Grant to ${LABEL}` }).click();
    const grant = users.getByRole('form', { name: `Grant to ${LABEL}` });
    await grant.locator('[data-field=database] input').fill('shop');
    await grant.locator('[data-field=table] input').fill('orders');
    // Per-database privileges cannot be picked for one table.
    await expect.poll(() => grant.getByRole('checkbox', { name: 'EXECUTE' }).isDisabled()).toBe(true);
    expect(await grant.getByRole('checkbox', { name: 'SELECT' }).isChecked()).toBe(true);
    await grant.getByRole('button', { name: 'Preview and grant…' }).click();
    const grantPreview = page.getByRole('dialog', { name: `Preview: grant to ${LABEL}` });
    await grantPreview.waitFor();
    expect(await grantPreview.getByLabel('Statements').textContent()).toBe(`GRANT SELECT ON \`shop\`.\`orders\` TO \`${USER}\`@\`localhost\``);
    await shot(page, 'db-accounts-03-grant-preview');
    await grantPreview.getByRole('button', { name: 'Run this statement' }).click();
    await card.locator('[data-on="shop.orders"]').waitFor({ timeout: 15_000 });
    expect(await card.locator('[data-on="shop.orders"]').textContent()).toContain('SELECT');
    expect(await readable(password, ['shop.orders', 'shop.customers'])).toEqual(['shop.orders']);
    await shot(page, 'db-accounts-04-granted');

    // Revoke it again from the listed grant.
    await card.getByRole('button', { name: `Revoke on shop.orders from ${LABEL}` }).click();
    const revoke = users.getByRole('form', { name: `Revoke from ${LABEL}` });
    expect(await revoke.getByRole('checkbox', { name: 'SELECT' }).isChecked()).toBe(true);
    await revoke.getByRole('button', { name: 'Preview and revoke…' }).click();
    const revokePreview = page.getByRole('dialog', { name: `Preview: revoke from ${LABEL}` });
    expect(await revokePreview.getByLabel('Statements').textContent()).toBe(`REVOKE SELECT ON \`shop\`.\`orders\` FROM \`${USER}\`@\`localhost\``);
    await revokePreview.getByRole('button', { name: 'Run this statement' }).click();
    await expect.poll(() => card.locator('[data-on="shop.orders"]').count(), { timeout: 15_000 }).toBe(0);
    expect(await readable(password, ['shop.orders', 'shop.customers'])).toEqual([]);

    // Drop, with the account typed.
    await card.getByRole('button', { name: `Drop ${LABEL}` }).click();
    const drop = users.getByRole('alertdialog', { name: `Drop ${LABEL}` });
    const dropButton = drop.getByRole('button', { name: 'Preview and drop…' });
    await drop.locator('[data-field=confirm] input').fill(USER);
    expect(await dropButton.isDisabled()).toBe(true);
    await drop.locator('[data-field=confirm] input').fill(LABEL);
    await dropButton.click();
    const dropPreview = page.getByRole('dialog', { name: `Preview: drop ${LABEL}` });
    await dropPreview.waitFor();
    expect(await dropPreview.getByLabel('Statements').textContent()).toBe(`DROP USER \`${USER}\`@\`localhost\``);
    await shot(page, 'db-accounts-05-drop-preview');
    await dropPreview.getByRole('button', { name: 'Run this statement' }).click();
    await expect.poll(() => card.count(), { timeout: 15_000 }).toBe(0);
    expect(await exists()).toBe(false);

    // The audit log has each statement, the password masked.
    await page.getByRole('button', { name: 'audit log' }).click();
    const audit = active(page).locator('.audit-table');
    await audit.locator('tbody tr').first().waitFor();
    const text = (await audit.textContent()) ?? '';
    for (const s of [`CREATE USER \`${USER}\`@\`localhost\` IDENTIFIED BY '***'`, `GRANT SELECT ON \`shop\`.\`orders\` TO \`${USER}\`@\`localhost\``, `DROP USER \`${USER}\`@\`localhost\``]) expect(text).toContain(s);
    expect(text).not.toContain(password);

    // Support mode: the users view offers no change and says why.
    await page.getByRole('button', { name: 'Settings' }).click();
    await active(page).locator('input[name=supportMode]').click();
    await page.locator('.support-mode-indicator').waitFor();
    await page.getByRole('tab', { name: /MySQL server/ }).click();
    await users.getByTestId('read-only-pill').waitFor();
    expect(await users.getByRole('button', { name: 'New user…' }).count()).toBe(0);
    expect(await users.getByRole('button', { name: /^Grant to / }).count()).toBe(0);
    await shot(page, 'db-accounts-06-support-mode');
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await active(page).locator('input[name=supportMode]').click();
    await expect.poll(() => page.locator('.support-mode-indicator').count()).toBe(0);
  });
});
