// The steps the database UI tests (and bench/browse-1m) take before the part they check: web1
// added from the UI with its host key trusted (app.ts), its Databases tab, and the access to its MariaDB.
import type { Locator, Page } from 'playwright-core';
import type { TestbedInfo } from '../../testbed/testbed';
import { active, addTrustedWeb1 } from './app';

/** Opens the server's Databases tab; resolves to its "Database access" form once shown. */
export async function openDbAccess(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Databases' }).click();
  const form = page.getByRole('form', { name: 'Database access' });
  await form.waitFor();
  return form;
}

/** Fills the access form with the testbed's admin login, on the server's loopback. */
export async function fillDbLogin(form: Locator, tb: TestbedInfo): Promise<void> {
  await form.locator('input[name=user]').fill(tb.mariadb.adminUser);
  await form.locator('input[name=password]').fill(tb.mariadb.adminPassword);
  await form.locator('input[name=host]').fill(tb.mariadb.host);
  await form.locator('input[name=port]').fill(String(tb.mariadb.port));
}

/** Saves the access form; resolves to the tree's `shop` node once it is shown. */
export async function saveDbAccess(page: Page, form: Locator): Promise<Locator> {
  await form.getByRole('button', { name: 'Save and connect' }).click();
  const shop = active(page).getByRole('tree', { name: 'Databases' }).getByRole('treeitem', { name: 'shop', exact: true });
  await shop.waitFor({ timeout: 30_000 });
  return shop;
}

/** All of it, on a page showing browser mode: web1 added and trusted, its MariaDB by admin login; resolves to the tree's `shop` node. */
export async function connectWeb1Db(page: Page, tb: TestbedInfo): Promise<Locator> {
  await addTrustedWeb1(page, tb);
  const form = await openDbAccess(page);
  await fillDbLogin(form, tb);
  return saveDbAccess(page, form);
}
