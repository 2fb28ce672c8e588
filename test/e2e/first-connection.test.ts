// Issue 2's slice, as a user does it in Chromium: add the test server, confirm its host key,
// see it answer; a swapped host key is refused; bad input saves nothing; no token, no entry.
import { describe, expect, it } from 'vitest';
import { restoreHostKey, swapHostKey } from '../../testbed/testbed';
import { e2eSuite, fillServerForm, newPage, shot } from './app';

const suite = e2eSuite();

describe('first connection in the UI', () => {
  it('adds the test server, accepts its host key and shows uname', async () => {
    const { app, page } = await suite.open('e2e-add');
    expect(page.url()).toBe(`${app.origin}/`);
    await page.getByRole('heading', { name: 'Your fleet is empty' }).waitFor();
    await shot(page, '01-empty-fleet');

    await page.getByRole('button', { name: '+ Add server' }).first().click();
    await fillServerForm(page, { name: 'web1', host: suite.tb.ssh.web1.host, port: String(suite.tb.ssh.web1.port), user: 'hdtest', method: 'Private key', keyPath: suite.tb.keys.ed25519.path, tags: 'testbed' });
    await page.getByRole('button', { name: 'Add server', exact: true }).click();

    await page.getByRole('region', { name: 'Server web1' }).waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Unknown host key' });
    await dialog.waitFor();
    expect(await dialog.locator('.fingerprint').textContent()).toBe(suite.tb.ssh.web1.hostKeyFingerprint);
    await shot(page, '02-unknown-host-key');

    await dialog.getByRole('button', { name: 'Trust this key and connect' }).click();
    const uname = page.getByTestId('uname');
    await uname.waitFor();
    expect(await uname.textContent()).toMatch(/^Linux /);
    expect(await page.getByTestId('uptime').textContent()).toMatch(/load average/);
    expect(await page.getByRole('navigation', { name: 'Fleet' }).locator('.light').getAttribute('class')).toMatch(/^light light-(ok|warn)$/);
    await shot(page, '03-connected-uname');
  });

  it('refuses the server after its host key is swapped, showing both fingerprints', async () => {
    const { page } = await suite.open('e2e-swap');
    await page.getByRole('button', { name: '+ Add server' }).first().click();
    await fillServerForm(page, { name: 'web2', host: suite.tb.ssh.web2.host, port: String(suite.tb.ssh.web2.port), user: 'hdtest', method: 'Password', secret: suite.tb.users.hdtest.password });
    await page.getByRole('button', { name: 'Add server', exact: true }).click();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('button', { name: 'Trust this key and connect' }).click();
    await page.getByTestId('uname').waitFor();

    const swapped = await swapHostKey('web2');
    try {
      await page.getByRole('button', { name: 'Test connection' }).click();
      const alert = page.getByRole('alert', { name: 'Host key changed' });
      await alert.waitFor();
      expect(await alert.getByTestId('expected-fp').textContent()).toBe(`ssh-ed25519 ${suite.tb.ssh.web2.hostKeyFingerprint}`);
      expect(await alert.getByTestId('actual-fp').textContent()).toBe(`ssh-ed25519 ${swapped.hostKeyFingerprint}`);
      expect(await page.getByTestId('uname').count()).toBe(0);
      await shot(page, '04-host-key-changed');
    } finally {
      await restoreHostKey('web2');
    }
  });

  it('shows field errors for bad input and saves nothing', async () => {
    const { page } = await suite.open('e2e-invalid');
    await page.getByRole('button', { name: '+ Add server' }).first().click();
    await fillServerForm(page, { name: 'x'.repeat(10_000), host: 'a;rm -rf /', port: '70000', user: 'root', method: 'Private key', keyPath: '/nonexistent/id_ed25519' });
    await page.getByRole('button', { name: 'Add server', exact: true }).click();
    const form = page.getByRole('form', { name: 'Add server' });
    await form.locator('[data-field=name] .field-error').waitFor();
    expect(await form.locator('[data-field=name] .field-error').textContent()).toBe('Name is too long (at most 64 characters)');
    expect(await form.locator('[data-field=host] .field-error').textContent()).toBe('Host must be a host name or an IP address');
    expect(await form.locator('[data-field=port] .field-error').textContent()).toBe('Port must be between 1 and 65535');
    await shot(page, '05-field-errors');

    await form.locator('input[name=name]').fill('ok-name');
    await form.locator('input[name=host]').fill('');
    await form.locator('input[name=port]').fill('0');
    await page.getByRole('button', { name: 'Add server', exact: true }).click();
    await expect.poll(() => form.locator('[data-field=host] .field-error').textContent()).toBe('Host is required');
    expect(await form.locator('[data-field=name] .field-error').count()).toBe(0);

    await form.locator('input[name=host]').fill('127.0.0.2');
    await form.locator('input[name=port]').fill('2222');
    await page.getByRole('button', { name: 'Add server', exact: true }).click();
    await expect.poll(() => form.locator('[data-field="auth.keyPath"] .field-error').textContent()).toBe('This file does not exist');

    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'Your fleet is empty' }).waitFor();
  });

  it('refuses browser mode without the token', async () => {
    const app = await suite.start('e2e-token');
    const page = await newPage(suite.browser);
    const response = await page.goto(`${app.origin}/`);
    expect(response?.status()).toBe(401);
    expect(await page.textContent('body')).toContain('Unauthorized');
    await shot(page, '06-no-token');
  });
});
