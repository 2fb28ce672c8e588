// Keeping the inventory in the UI: import from ~/.ssh/config, edit, remove (confirmed by name),
// keyboard access, and the dark theme.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshHome } from '../helpers/env';
import { TEST_SECRETS } from '../helpers/secrets';
import { e2eSuite, fillServerForm, shot } from './app';

const suite = e2eSuite();

describe('inventory in the UI', () => {
  it('imports hosts from ~/.ssh/config, edits one and removes it', async () => {
    const home = freshHome('e2e-import');
    writeFileSync(
      path.join(home, '.ssh', 'config'),
      [
        'Host demo',
        `  HostName ${suite.tb.ssh.web1.host}`,
        `  Port ${suite.tb.ssh.web1.port}`,
        '  User hdtest',
        `  IdentityFile ${suite.tb.keys.ed25519.path}`,
        '',
        'Host broken',
        '  HostName bad;host',
        '',
        'Host *',
        '  ServerAliveInterval 30',
        '',
      ].join('\n'),
    );
    const { page } = await suite.open('e2e-import', home);

    await page.getByRole('button', { name: 'Import ~/.ssh/config' }).first().click();
    const dialog = page.getByRole('region', { name: 'Import from SSH config' });
    await dialog.getByRole('cell', { name: 'demo', exact: true }).waitFor();
    expect(await dialog.getByRole('checkbox', { name: 'import broken' }).isDisabled()).toBe(true);
    expect(await dialog.getByRole('row', { name: /broken/ }).textContent()).toContain('Host must be a host name or an IP address');
    await shot(page, '07-import-ssh-config');
    await dialog.getByRole('button', { name: 'Import 1 server' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Imported 1 server.' }).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('navigation', { name: 'Fleet' }).getByRole('button', { name: /demo/ }).click();
    await page.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit server' });
    await form.locator('input[name=name]').fill('demo-renamed');
    await form.locator('select[name=method]').selectOption({ label: 'Password' });
    await form.locator('input[name=secret]').fill(TEST_SECRETS.edited);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('region', { name: 'Server demo-renamed' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Fleet' }).textContent()).toContain('demo-renamed');

    await page.getByRole('button', { name: 'Remove…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Confirm removal' });
    expect(await confirm.textContent()).toContain('Remove demo-renamed');
    await shot(page, '08-confirm-remove');
    await confirm.getByRole('button', { name: 'Remove demo-renamed' }).click();
    await page.getByRole('heading', { name: 'Your fleet is empty' }).waitFor();
  });

  it('works from the keyboard: Ctrl+N adds, Escape cancels, Ctrl+K searches, Enter opens', async () => {
    const { page } = await suite.open('e2e-keys');
    await page.getByRole('heading', { name: 'Your fleet is empty' }).waitFor();

    for (const name of ['alpha', 'beta']) {
      await page.keyboard.press('Control+n');
      await page.getByRole('form', { name: 'Add server' }).waitFor();
      await page.keyboard.type(name);
      await fillServerForm(page, { name, host: suite.tb.ssh.web1.host, port: String(suite.tb.ssh.web1.port), user: 'hdtest', method: 'Private key', keyPath: suite.tb.keys.ed25519.path });
      await page.locator('input[name=port]').press('Enter');
      await page.getByRole('region', { name: `Server ${name}` }).waitFor();
    }

    await page.keyboard.press('Control+n');
    await page.locator('input[name=name]').press('Escape');
    await page.getByRole('form', { name: 'Add server' }).waitFor({ state: 'detached' });

    await page.keyboard.press('Control+k');
    await page.keyboard.type('alp');
    const fleet = page.getByRole('navigation', { name: 'Fleet' });
    await expect.poll(() => fleet.getByRole('button').count()).toBe(1);
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Server alpha' }).waitFor();
  });

  it('has a dark theme', async () => {
    const { page } = await suite.open('e2e-dark');
    await page.getByRole('button', { name: '+ Add server' }).first().click();
    await fillServerForm(page, { name: 'web1', host: suite.tb.ssh.web1.host, port: String(suite.tb.ssh.web1.port), user: 'hdtest', method: 'Private key', keyPath: suite.tb.keys.ed25519.path, tags: 'eu, prod' });
    await page.getByRole('button', { name: 'Add server', exact: true }).click();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('button', { name: 'Trust this key and connect' }).click();
    await page.getByTestId('uname').waitFor();
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await shot(page, '09-dark-theme');
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });
});
