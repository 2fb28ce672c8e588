// Logins that need the user, in the UI: a keyboard-interactive server asks its questions in a
// dialog (how OTP logins work), and a server behind a jump host shows its route.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eSuite, fillServerForm, shot } from './app';

const suite = e2eSuite();

async function addAndTrust(page: Page, s: Parameters<typeof fillServerForm>[1], jump?: string) {
  await page.getByRole('button', { name: '+ Add server' }).first().click();
  await fillServerForm(page, s);
  if (jump) await page.locator('select[name=jumpHostId]').selectOption({ label: jump });
  await page.getByRole('button', { name: 'Add server', exact: true }).click();
  await page.getByRole('region', { name: `Server ${s.name}` }).waitFor();
}

describe('logins that ask', () => {
  it('shows keyboard-interactive questions in a dialog and logs in with the answers', async () => {
    const { page } = await suite.open('e2e-kbd');
    const otp = suite.tb.ssh.kbdotp;
    await addAndTrust(page, { name: 'otp-server', host: otp.host, port: String(otp.port), user: 'hdtest', method: 'Keyboard-interactive (2FA / OTP prompts)' });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('button', { name: 'Trust this key and connect' }).click();

    const dialog = page.getByRole('dialog', { name: 'Login prompt' });
    await dialog.getByLabel('Password:').fill(suite.tb.users.hdtest.password);
    await shot(page, '10-keyboard-interactive-prompt');
    await dialog.getByRole('button', { name: 'Log in' }).click();
    await dialog.getByLabel('STRESS Password:').fill(otp.otp);
    await dialog.getByRole('button', { name: 'Log in' }).press('Enter');
    await page.getByTestId('uname').waitFor();
    expect(await page.getByRole('dialog', { name: 'Login prompt' }).count()).toBe(0);
  });

  it('reaches a server through a jump host and shows the route', async () => {
    const { page } = await suite.open('e2e-jump');
    const key = { user: 'hdtest', method: 'Private key', keyPath: suite.tb.keys.ed25519.path };
    await addAndTrust(page, { name: 'bastion', host: suite.tb.ssh.jump.host, port: String(suite.tb.ssh.jump.port), ...key });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('button', { name: 'Trust this key and connect' }).click();
    await page.getByTestId('uname').waitFor();

    await addAndTrust(page, { name: 'inner', host: suite.tb.ssh.inner.host, port: String(suite.tb.ssh.inner.port), ...key }, `bastion (${suite.tb.ssh.jump.host})`);
    const inner = page.getByRole('region', { name: 'Server inner' });
    await inner.getByRole('button', { name: 'Test connection' }).click();
    await inner.getByRole('button', { name: 'Trust this key and connect' }).click();
    await inner.getByTestId('uname').waitFor();
    expect(await inner.textContent()).toContain('through bastion');
    await shot(page, '11-jump-host-route');
  });
});
