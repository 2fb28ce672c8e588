// Logins that need the user, in the UI: a keyboard-interactive server asks its questions in a
// dialog (how OTP logins work), and a server behind a jump host shows its route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadTestbed, type TestbedInfo } from '../servers/testbed';
import { fillServerForm, launchBrowser, newPage, shot, startApp, type RunningApp } from './app';

let tb: TestbedInfo;
let browser: Browser;
const apps: RunningApp[] = [];

beforeAll(async () => {
  tb = loadTestbed();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(apps.map((a) => a.stop()));
});

async function open(label: string): Promise<Page> {
  const app = await startApp(label);
  apps.push(app);
  const page = await newPage(browser);
  await page.goto(app.url);
  return page;
}

async function addAndTrust(page: Page, s: Parameters<typeof fillServerForm>[1], jump?: string) {
  await page.getByRole('button', { name: '+ Add server' }).first().click();
  await fillServerForm(page, s);
  if (jump) await page.locator('select[name=jumpHostId]').selectOption({ label: jump });
  await page.getByRole('button', { name: 'Add server', exact: true }).click();
  await page.getByRole('region', { name: `Server ${s.name}` }).waitFor();
}

describe('logins that ask', () => {
  it('shows keyboard-interactive questions in a dialog and logs in with the answers', async () => {
    const page = await open('e2e-kbd');
    const otp = tb.ssh.kbdotp;
    await addAndTrust(page, { name: 'otp-server', host: otp.host, port: String(otp.port), user: 'hdtest', method: 'Keyboard-interactive (2FA / OTP prompts)' });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('button', { name: 'Trust this key and connect' }).click();

    const dialog = page.getByRole('dialog', { name: 'Login prompt' });
    await dialog.getByLabel('Password:').fill(tb.users.hdtest.password);
    await shot(page, '10-keyboard-interactive-prompt');
    await dialog.getByRole('button', { name: 'Log in' }).click();
    await dialog.getByLabel('STRESS Password:').fill(otp.otp);
    await dialog.getByRole('button', { name: 'Log in' }).press('Enter');
    await page.getByTestId('uname').waitFor();
    expect(await page.getByRole('dialog', { name: 'Login prompt' }).count()).toBe(0);
  });

  it('reaches a server through a jump host and shows the route', async () => {
    const page = await open('e2e-jump');
    const key = { user: 'hdtest', method: 'Private key', keyPath: tb.keys.ed25519.path };
    await addAndTrust(page, { name: 'bastion', host: tb.ssh.jump.host, port: String(tb.ssh.jump.port), ...key });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('button', { name: 'Trust this key and connect' }).click();
    await page.getByTestId('uname').waitFor();

    await addAndTrust(page, { name: 'inner', host: tb.ssh.inner.host, port: String(tb.ssh.inner.port), ...key }, `bastion (${tb.ssh.jump.host})`);
    const inner = page.getByRole('region', { name: 'Server inner' });
    await inner.getByRole('button', { name: 'Test connection' }).click();
    await inner.getByRole('button', { name: 'Trust this key and connect' }).click();
    await inner.getByTestId('uname').waitFor();
    expect(await inner.textContent()).toContain('through bastion');
    await shot(page, '11-jump-host-route');
  });
});
