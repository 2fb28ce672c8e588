// Issue 4's database browser as a user drives it in Chromium: web1's MariaDB through SSH — the
// access form, the tree and the fleet-wide search, shop.orders (1M rows): first page, next, a
// jump to row 900,000, the last page, sort, a LIKE filter, a cell edited and reverted through the
// SQL preview; the keyless table is read-only with its reason; NULL and '' look different; line
// breaks and tabs show as glyphs, a TEXT cell edited in the multi-line editor keeps them exactly;
// in support mode the grid is read-only from the start and says why.
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { rootSql } from '../../testbed/mariadb';
import { expectedOrder } from '../../testbed/seed';
import { active, addTrustedWeb1, e2eSuite, shot } from './app';
import { connectWeb1Db, fillDbLogin, openDbAccess, saveDbAccess } from './db-setup';

const suite = e2eSuite();

const cell = (page: Page, row: number | string, col: string): Locator => active(page).locator(`.grid-row[data-row="${row}"] .grid-cell[data-col="${col}"]`);

/** What a cell shows: the text, or the shown part of a cut value; null for NULL. */
async function shown(c: Locator): Promise<{ text: string | null; partial: boolean }> {
  if (await c.locator('.cell-null').count()) return { text: null, partial: false };
  if (await c.locator('.cell-text').count()) return { text: (await c.locator('.cell-text').textContent()) ?? '', partial: true };
  return { text: (await c.textContent()) ?? '', partial: false };
}

async function expectOrderRow(page: Page, id: number): Promise<void> {
  const e = expectedOrder(id);
  await cell(page, id, 'id').waitFor();
  for (const col of ['id', 'customer', 'email', 'amount', 'status', 'created_at', 'note'] as const) {
    const got = await shown(cell(page, id, col));
    const want = e[col] === null ? null : String(e[col]);
    if (got.partial) expect(want?.startsWith(got.text!), `row ${id} ${col}`).toBe(true);
    else expect(got.text, `row ${id} ${col}`).toBe(want);
  }
}

/** Waits for the grid to show a settled page whose first row is `first`. */
async function settled(page: Page, first: number): Promise<void> {
  const grid = active(page).getByTestId('grid');
  await expect.poll(async () => [await grid.getAttribute('aria-busy'), await grid.getAttribute('data-first'), (await grid.getAttribute('data-shown')) !== ''], { timeout: 30_000 }).toEqual(['false', String(first), true]);
}

async function openTableFromTree(page: Page, database: string, table: string): Promise<void> {
  await page.getByRole('tab', { name: /databases/ }).click();
  const tree = active(page).getByRole('tree', { name: 'Databases' });
  const db = tree.getByRole('treeitem', { name: database, exact: true });
  if ((await db.getAttribute('aria-expanded')) !== 'true') await db.locator('.db-node').click();
  await db.getByRole('treeitem', { name: table, exact: true }).click();
  await active(page).getByRole('grid').waitFor();
}

describe('database browser in the UI', () => {
  it('browses, pages, sorts, filters and edits shop.orders on web1 through SSH', async () => {
    const { page } = await suite.open('e2e-db-browse');
    await addTrustedWeb1(page, suite.tb);

    // Access: the testbed's admin login, on the server's loopback.
    const form = await openDbAccess(page);
    await form.locator('input[name=port]').fill('99999');
    await form.locator('input[name=user]').fill(suite.tb.mariadb.adminUser);
    await form.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => form.locator('[data-field=port] .field-error').count()).toBe(1);
    await fillDbLogin(form, suite.tb);
    await saveDbAccess(page, form);
    const tree = active(page).getByRole('tree', { name: 'Databases' });

    // Fleet-wide search.
    await active(page).getByRole('searchbox', { name: /search the fleet/ }).fill('cust_alpha');
    const hits = active(page).getByRole('region', { name: 'Fleet search results' });
    await hits.locator('.db-hit', { hasText: 'cust_alpha' }).first().waitFor({ timeout: 20_000 });
    expect(await hits.locator('.db-hit .kind-database').count()).toBeGreaterThanOrEqual(1);
    expect(await hits.locator('.db-hit .kind-user').count()).toBeGreaterThanOrEqual(1);
    expect(await tree.getByRole('treeitem', { name: 'cust_alpha', exact: true }).count()).toBe(1);
    expect(await tree.getByRole('treeitem', { name: 'shop', exact: true }).count()).toBe(0);
    expect(await hits.textContent()).toContain('on web1');
    await shot(page, 'db-01-tree-search');
    await active(page).getByRole('searchbox', { name: /search the fleet/ }).fill('');

    // shop.orders: the first page, virtualised.
    await openTableFromTree(page, 'shop', 'orders');
    await settled(page, 1);
    for (const id of [1, 2, 3, 5, 7, 10]) await expectOrderRow(page, id);
    expect(await active(page).locator('.grid-row').count()).toBeLessThan(60);
    expect(await active(page).locator('.grid-th[data-col=amount] .th-type').textContent()).toBe('decimal(10,2)');
    expect(await cell(page, 10, 'note').locator('.cell-null').textContent()).toBe('NULL');
    expect(await cell(page, 5, 'note').locator('.cell-empty').count()).toBe(1);

    await active(page).getByRole('button', { name: 'Next →' }).click();
    await settled(page, 101);
    await expectOrderRow(page, 101);
    await active(page).getByRole('button', { name: '← Previous' }).click();
    await settled(page, 1);

    await active(page).getByRole('textbox', { name: 'Go to row' }).fill('900000');
    await active(page).getByRole('textbox', { name: 'Go to row' }).press('Enter');
    await settled(page, 900_000);
    await expectOrderRow(page, 900_000);
    await expectOrderRow(page, 900_007);
    await shot(page, 'db-02-table-page');

    await active(page).getByRole('button', { name: 'Last page' }).click();
    await settled(page, 999_901);
    expect(await active(page).getByTestId('row-count').textContent()).toBe('1,000,000 rows (exact)');
    await active(page).getByTestId('grid').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expectOrderRow(page, 1_000_000);
    expect(await active(page).getByRole('button', { name: 'Next →' }).isDisabled()).toBe(true);

    // Sort by email (unindexed), ascending: the smallest emails of the whole table first.
    const emails: string[] = [];
    for (let id = 1; id <= 1_000_000; id++) {
      const e = expectedOrder(id).email;
      if (emails.length < 3 || e < emails[2]!) {
        emails.push(e);
        emails.sort();
        emails.length = Math.min(emails.length, 3);
      }
    }
    await active(page).locator('.grid-th[data-col=email]').click();
    await settled(page, 1);
    expect(await active(page).locator('.grid-th[data-col=email]').getAttribute('aria-sort')).toBe('ascending');
    for (let i = 0; i < 3; i++) expect(await cell(page, i + 1, 'email').textContent()).toBe(emails[i]);
    await active(page).locator('.grid-th[data-col=email]').click();
    await settled(page, 1);
    expect(await active(page).locator('.grid-th[data-col=email]').getAttribute('aria-sort')).toBe('descending');
    await active(page).locator('.grid-th[data-col=email]').click();
    await settled(page, 1);
    expect(await cell(page, 1, 'id').textContent()).toBe('1');

    // Filter: email LIKE.
    await active(page).getByRole('button', { name: '+ Filter' }).click();
    const filters = active(page).getByRole('form', { name: 'Filters' });
    await filters.getByRole('combobox', { name: 'Filter column' }).selectOption('email');
    await filters.getByRole('combobox', { name: 'Filter operator' }).selectOption('LIKE');
    await filters.getByRole('textbox', { name: 'Filter value' }).fill('%grace.77%');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => active(page).getByTestId('grid').getAttribute('data-shown'), { timeout: 30_000 }).toContain('grace.77');
    await settled(page, 1);
    const shownEmails = await active(page).locator('.grid-cell[data-col=email]').allTextContents();
    expect(shownEmails.length).toBeGreaterThan(5);
    for (const e of shownEmails) expect(e).toContain('grace.77');
    await filters.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => active(page).getByTestId('grid').getAttribute('data-shown'), { timeout: 30_000 }).not.toContain('grace.77');
    await settled(page, 1);

    // Edit row 1's note (TEXT: the multi-line editor), review the SQL, apply; then put it back (Ctrl+Enter).
    const original = expectedOrder(1).note!;
    const note = cell(page, 1, 'note');
    const noteEditor = active(page).getByRole('dialog', { name: 'Edit note' }).getByRole('textbox', { name: 'Cell value' });
    await note.dblclick();
    await noteEditor.fill('edited by e2e ✓');
    await noteEditor.press('Control+Enter');
    expect(await note.getAttribute('class')).toContain('cell-staged');
    expect(await note.textContent()).toBe('edited by e2e ✓');
    await active(page).getByRole('button', { name: 'Review changes' }).click();
    const preview = page.getByTestId('sql-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toMatch(/^UPDATE `shop`\.`orders` SET `note` = 'edited by e2e ✓' WHERE `id` = 1/);
    await page.getByRole('dialog', { name: 'Review changes' }).getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('dialog', { name: 'Review changes' }).waitFor({ state: 'detached' });
    await settled(page, 1);
    await expect.poll(() => note.getAttribute('class')).not.toContain('cell-staged');
    expect(await note.textContent()).toBe('edited by e2e ✓');

    await note.dblclick();
    await noteEditor.fill(original);
    await noteEditor.press('Control+Enter');
    expect(await active(page).locator('.staged-count').textContent()).toBe('1 change staged');
    await active(page).getByTestId('grid').press('Control+Enter');
    await expect.poll(() => active(page).locator('.staged-count').count()).toBe(0);
    await expect.poll(() => note.textContent()).toBe(original);
    await page.reload();
  });

  it('shows the keyless table read-only with its reason, and NULL apart from empty', async () => {
    const { page } = await suite.open('e2e-db-types');
    await addTrustedWeb1(page, suite.tb);
    const form = await openDbAccess(page);
    await form.getByRole('radio', { name: /my\.cnf/ }).check();
    await saveDbAccess(page, form);

    await openTableFromTree(page, suite.tb.db.nokey.database, suite.tb.db.nokey.table);
    await settled(page, 1);
    expect(await active(page).getByRole('note', { name: 'Read-only' }).textContent()).toMatch(/no primary key/);
    expect(await active(page).locator('.edit-bar').count()).toBe(0);
    for (const name of ['Review changes', '+ Row', 'Delete selected', 'Discard']) expect(await active(page).getByRole('button', { name, exact: true }).count()).toBe(0);
    await cell(page, 1, 'sku').dblclick();
    expect(await active(page).getByRole('textbox', { name: 'Cell value' }).count()).toBe(0);

    await openTableFromTree(page, suite.tb.db.typesDemo.database, suite.tb.db.typesDemo.table);
    await settled(page, 1);
    // Row 1 'min' holds '' in t_varchar, row 3 'nulls' holds NULL.
    expect(await cell(page, 1, 't_varchar').locator('.cell-empty').count()).toBe(1);
    expect(await cell(page, 1, 't_varchar').textContent()).toBe('');
    expect(await cell(page, 3, 't_varchar').locator('.cell-null').textContent()).toBe('NULL');
    expect(await cell(page, 4, 't_tinytext').textContent()).toBe('NULL');
    expect(await cell(page, 4, 't_tinytext').locator('.cell-null').count()).toBe(0);
    expect(await cell(page, 5, 't_mediumblob').textContent()).toMatch(/^0x89504e47/);
    // Geometry as WKT beside its bytes; the hostile row's tab and newline as glyphs.
    expect(await cell(page, 5, 't_geometry').locator('.cell-wkt').textContent()).toBe('MULTIPOINT(1 1,2 2)');
    expect(await cell(page, 2, 't_geometry').locator('.cell-wkt').textContent()).toBe('POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))');
    expect(await cell(page, 4, 't_point').locator('.cell-wkt').textContent()).toBe('POINT(13.405 52.52)');
    expect(await cell(page, 4, 't_varchar').locator('.ws').evaluateAll((els) => els.map((el) => el.getAttribute('data-ws')))).toEqual(['→', '↵', '∅']);
    await cell(page, 4, 't_point').scrollIntoViewIfNeeded();
    await shot(page, 'db-03-geometry-wkt');
    await cell(page, 2, 't_json').click();
    await active(page).getByTestId('grid').press(' ');
    await expect.poll(() => active(page).getByRole('complementary', { name: 'Full value' }).locator('.full-text').textContent()).toContain('"c": "deep"');
    await active(page).getByTestId('grid').evaluate((el) => el.scrollTo({ left: 0 }));
    await shot(page, 'db-03-types-demo');
  });

  it('shows line breaks and tabs, edits TEXT in the multi-line editor exactly, and is read-only in support mode', async () => {
    const DB = 'hd_e2e_ws';
    const original = 'first line\n\tindented\nlast';
    await rootSql(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; CREATE TABLE ${DB}.ws_notes (id INT PRIMARY KEY, body TEXT, crlf TEXT, short VARCHAR(32)); INSERT INTO ${DB}.ws_notes VALUES (1, 'first line\n\tindented\nlast', 'one\r\ntwo\r\n', 'a\tb'), (2, 'plain', NULL, 'x')`);
    const hexOf = async (column: string) => (await rootSql(`SELECT HEX(${column}) FROM ${DB}.ws_notes WHERE id = 1`)).trim();
    const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex').toUpperCase();
    try {
      const { page } = await suite.open('e2e-db-ws');
      await connectWeb1Db(page, suite.tb);
      await openTableFromTree(page, DB, 'ws_notes');
      await settled(page, 1);
      const body = cell(page, 1, 'body');

      // The glyphs are drawn, the text stays the value.
      expect(await body.textContent()).toBe(original);
      expect(await body.locator('.ws').evaluateAll((els) => els.map((el) => getComputedStyle(el, '::before').content))).toEqual(['"↵"', '"→"', '"↵"']);
      expect(await cell(page, 1, 'short').locator('.ws').getAttribute('data-ws')).toBe('→');
      expect(await cell(page, 1, 'crlf').locator('.ws').evaluateAll((els) => els.map((el) => el.getAttribute('data-ws')))).toEqual(['⇤', '↵', '⇤', '↵']);
      await shot(page, 'db-04-whitespace-glyphs');

      // The multi-line editor opens with the exact value; Esc cancels.
      await body.dblclick();
      const dialog = active(page).getByRole('dialog', { name: 'Edit body' });
      const editor = dialog.getByRole('textbox', { name: 'Cell value' });
      expect(await editor.inputValue()).toBe(original);
      await editor.press('Control+End');
      await editor.press('Enter'); // a new line, not a save
      await editor.pressSequentially('tail');
      expect(await editor.inputValue()).toBe(`${original}\ntail`);
      await editor.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await active(page).locator('.staged-count').count()).toBe(0);
      expect(await body.textContent()).toBe(original);

      // Typed in with Enter and Tab, saved with Ctrl+Enter, applied: MariaDB holds exactly it.
      const typed = 'Dear customer,\n\tline two\n\n\tafter an empty line';
      await body.dblclick();
      await editor.fill('');
      for (const [i, line] of typed.split('\n').entries()) {
        if (i) await editor.press('Enter');
        if (line.startsWith('\t')) await editor.press('Tab');
        await editor.pressSequentially(line.replace(/^\t/, ''));
      }
      expect(await editor.inputValue()).toBe(typed);
      await shot(page, 'db-05-multiline-editor');
      await editor.press('Control+Enter');
      await dialog.waitFor({ state: 'detached' });
      expect(await body.getAttribute('class')).toContain('cell-staged');
      expect(await body.textContent()).toBe(typed);
      await active(page).getByRole('button', { name: 'Review changes' }).click();
      await expect.poll(() => page.getByTestId('sql-preview').textContent()).toContain("SET `body` = 'Dear customer,\\n\\tline two\\n\\n\\tafter an empty line'");
      await page.getByRole('dialog', { name: 'Review changes' }).getByRole('button', { name: 'Apply' }).click();
      await page.getByRole('dialog', { name: 'Review changes' }).waitFor({ state: 'detached' });
      expect(await hexOf('body')).toBe(hex(typed));
      await settled(page, 1);
      await expect.poll(() => body.getAttribute('class')).not.toContain('cell-staged');
      expect(await body.textContent()).toBe(typed);

      // A CRLF value is edited with line breaks and written back with CRLF.
      await cell(page, 1, 'crlf').dblclick();
      const crlfEditor = active(page).getByRole('dialog', { name: 'Edit crlf' }).getByRole('textbox', { name: 'Cell value' });
      expect(await crlfEditor.inputValue()).toBe('one\ntwo\n');
      await crlfEditor.press('Control+End');
      await crlfEditor.pressSequentially('three');
      await crlfEditor.press('Control+Enter');
      await active(page).getByTestId('grid').press('Control+Enter');
      await expect.poll(() => active(page).locator('.staged-count').count()).toBe(0);
      await expect.poll(() => hexOf('crlf')).toBe(hex('one\r\ntwo\r\nthree'));

      // Support mode: the same grid is read-only from the start, and says why.
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await active(page).locator('input[name=supportMode]').click();
      await page.locator('.support-mode-indicator').waitFor();
      await page.getByRole('tab', { name: /ws_notes/ }).click();
      const pill = active(page).getByTestId('read-only-pill');
      await pill.waitFor();
      expect(await pill.textContent()).toBe('Read-only: support mode');
      expect(await active(page).locator('.edit-bar').count()).toBe(0);
      for (const name of ['Review changes', '+ Row', 'Delete selected', 'Discard']) expect(await active(page).getByRole('button', { name, exact: true }).count(), name).toBe(0);
      await body.dblclick();
      await active(page).getByRole('complementary', { name: 'Full value' }).waitFor();
      expect(await active(page).getByRole('textbox', { name: 'Cell value' }).count()).toBe(0);
      expect(await active(page).getByRole('dialog').count()).toBe(0);
      await cell(page, 1, 'short').click();
      await active(page).getByTestId('grid').press('Enter');
      expect(await active(page).getByRole('textbox', { name: 'Cell value' }).count()).toBe(0);
      await shot(page, 'db-06-support-mode-read-only');
      expect(await hexOf('body')).toBe(hex(typed));

      // Support mode off: editing is offered again.
      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await active(page).locator('input[name=supportMode]').click();
      await expect.poll(() => page.locator('.support-mode-indicator').count()).toBe(0);
      await page.getByRole('tab', { name: /ws_notes/ }).click();
      await active(page).locator('.edit-bar').waitFor();
      expect(await active(page).getByTestId('read-only-pill').count()).toBe(0);
    } finally {
      await rootSql(`DROP DATABASE IF EXISTS ${DB}`);
    }
  });
});
