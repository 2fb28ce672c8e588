// Issue 4's SQL editor as a user drives it in Chromium: web1's MariaDB through SSH, the editor
// opened from the Databases tab, a query typed with a table name completed, results as faithful
// cells, two statements with a result tab each, the 1,000-row cap note, and SELECT SLEEP(30)
// cancelled while running.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { active, e2eSuite, newPage, shot } from './app';
import { connectWeb1Db } from './db-setup';

const suite = e2eSuite();

async function replaceText(page: Page, text: string): Promise<void> {
  const input = active(page).getByTestId('sql-input');
  await input.focus();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Escape');
}

describe('SQL editor in the UI', () => {
  it('completes, runs, shows a result per statement and cancels a long query', async () => {
    const app = await suite.start('e2e-sql');
    const page = await newPage(suite.browser);
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(app.url);
    await connectWeb1Db(page, suite.tb);

    // The editor, in shop.
    await active(page).getByRole('button', { name: 'SQL editor' }).click();
    const view = page.getByRole('region', { name: 'SQL editor web1' });
    await view.waitFor();
    expect(await page.getByRole('tab', { name: 'web1 · SQL' }).count()).toBe(1);
    await view.getByRole('combobox', { name: 'Database' }).selectOption('shop');

    // Typing a table name: the completion offers orders; Enter takes it.
    const input = view.getByTestId('sql-input');
    await input.click();
    await page.keyboard.type('SELECT id, email, note FROM ord');
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'orders' }).first();
    await option.waitFor({ timeout: 10_000 });
    // CodeMirror ignores Enter for 75 ms after the list opens (its interactionDelay) and types a
    // line break instead: a user's Enter comes later than that, the test's must too.
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    await page.keyboard.type(' WHERE id <= 12 ORDER BY id');
    expect(await input.textContent()).toBe('SELECT id, email, note FROM orders WHERE id <= 12 ORDER BY id');

    // Ctrl+Enter runs it: 12 rows, NULL shown as NULL.
    await page.keyboard.press('Control+Enter');
    const grid = view.getByTestId('sql-grid');
    await grid.waitFor({ timeout: 20_000 });
    expect(await grid.locator('tbody tr').count()).toBe(12);
    expect(await grid.locator('thead th').allTextContents()).toEqual(['#', expect.stringMatching(/^id/), expect.stringMatching(/^email/), expect.stringMatching(/^note/)]);
    expect(await grid.locator('tbody tr').nth(9).locator('td').nth(3).locator('.cell-null').textContent()).toBe('NULL');
    await page.keyboard.press('Escape');
    await shot(page, 'sql-01-editor-results');

    // Two statements: two result tabs, the second shown; a write's affected rows; an error stops.
    await replaceText(page, "SET @greeting = 'hello';\nSELECT @greeting AS greeting, X'00ff' AS bin");
    await view.getByRole('button', { name: 'Run', exact: true }).click();
    const tabs = view.getByRole('tablist', { name: 'Results' }).getByRole('tab');
    await expect.poll(() => tabs.allTextContents()).toEqual(['1 · SET', '2 · SELECT']);
    await expect.poll(() => grid.locator('tbody td').nth(1).textContent()).toBe('hello');
    expect(await grid.locator('tbody td').nth(2).locator('.cell-bin').textContent()).toMatch(/^0x00ff/);
    await tabs.first().click();
    expect(await view.getByTestId('sql-affected').textContent()).toMatch(/0 rows affected/);

    await replaceText(page, 'SELECT 1; SELECT * FROM no_such_table; SELECT 3');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => tabs.allTextContents()).toEqual(['1 · SELECT', '2 · SELECT', '3 · SELECT']);
    expect(await view.getByTestId('sql-error').textContent()).toMatch(/no_such_table/);
    await tabs.nth(2).click();
    expect(await view.getByTestId('sql-error').textContent()).toMatch(/^Not run/);

    // The cap: 1M rows, the first 1,000 shown, with the note.
    await replaceText(page, 'SELECT * FROM orders');
    await page.keyboard.press('Control+Enter');
    await view.getByTestId('sql-capped').waitFor({ timeout: 20_000 });
    expect(await view.getByTestId('sql-capped').textContent()).toContain('Showing the first 1,000 rows; the server had more.');
    expect(await grid.locator('tbody tr').count()).toBe(1000);

    // SLEEP(30): Cancel while it runs, with the elapsed time; over within ~2 s.
    await replaceText(page, 'SELECT SLEEP(30)');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => view.getByTestId('sql-elapsed').textContent(), { timeout: 10_000 }).toMatch(/Running… (1\.\d|[2-9]\.\d) s/);
    await shot(page, 'sql-02-running');
    const cancelAt = Date.now();
    await view.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => view.getByTestId('sql-summary').textContent(), { timeout: 5_000 }).toMatch(/^Cancelled after/);
    const latency = Date.now() - cancelAt;
    console.log(`[e2e-sql] SLEEP(30) cancelled in the UI within ${latency} ms`);
    expect(latency).toBeLessThan(2000);
    await view.getByRole('button', { name: 'Run', exact: true }).waitFor();

    // History: newest first; a click puts the statement back.
    await view.getByRole('button', { name: 'History' }).click();
    const history = view.getByRole('complementary', { name: 'History' });
    await history.locator('.sql-history-item').first().waitFor();
    expect(await history.locator('.sql-history-item .mono').first().textContent()).toBe('SELECT SLEEP(30)');
    await history.locator('.sql-history-item', { hasText: '@greeting' }).click();
    expect(await input.textContent()).toContain("SET @greeting = 'hello';");
    await shot(page, 'sql-03-history');
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused/i.test(e))).toEqual([]);
  });
});
