// Fleet health as a user sees it in Chromium: the test server (role web) turns green once its
// key is confirmed; its nginx stops and the timer's next check turns the light red, raises a
// desktop notification (permission asked from a click), a toast, a badge and "(1)" in the
// title; nginx starts, "Check now" turns it green again, and both changes are in the history.
import { describe, expect, it } from 'vitest';
import { withNginxStopped } from '../../testbed/testbed';
import { e2eSuite, fillServerForm, recordNotifications, shot, shown } from './app';

const suite = e2eSuite();

// This machine is shared by parallel tests and runs every daemon: its load may pass 2× its CPUs
// at any moment, a warn (amber). Disk and memory are far from their limits here, so "up" is
// green, or amber for load only.
const UP_LIGHT = /^light light-(ok|warn)$/;
const UP_REASON = /^(All checks passed\.|Load [\d.]+ is over 2× its \d+ CPUs?\.)$/;
const UP_LABEL = '(OK|needs a look)';

describe('fleet health in the UI', () => {
  it('turns red with a notification when nginx stops, green again when it starts', async () => {
    const app = await suite.start('e2e-health');
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    await recordNotifications(context);
    const page = await context.newPage();
    await page.goto(app.url);

    // The server, its key confirmed as a user does: green.
    await page.getByRole('button', { name: '+ Add server' }).first().click();
    await fillServerForm(page, { name: 'web1', host: suite.tb.ssh.web1.host, port: String(suite.tb.ssh.web1.port), user: 'hdtest', method: 'Private key', keyPath: suite.tb.keys.ed25519.path, tags: 'testbed' });
    await page.getByRole('button', { name: 'Add server', exact: true }).click();
    const view = page.getByRole('region', { name: 'Server web1' });
    await view.getByRole('region', { name: 'Health' }).getByText('Not checked yet.').waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('alertdialog', { name: 'Unknown host key' }).getByRole('button', { name: 'Trust this key and connect' }).click();
    await page.getByTestId('uname').waitFor();
    const light = page.getByRole('navigation', { name: 'Fleet' }).locator('.light');
    expect(await light.getAttribute('class')).toMatch(UP_LIGHT);
    expect(await view.getByRole('region', { name: 'Health' }).locator('.reason').textContent()).toMatch(UP_REASON);

    // Check every 5 s (the smallest interval), from the settings.
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('form', { name: 'Settings' });
    await settings.locator('input[name=healthIntervalS]').fill('2');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => settings.locator('[data-field=healthIntervalS] .field-error').textContent()).toBe('At least 5 s');
    await shot(page, 'health-00-settings-field-error');
    await settings.locator('input[name=healthIntervalS]').fill('5');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByRole('status').getByText('Saved.').waitFor();

    // Desktop notifications: asked from a click (granted here as a user would).
    await page.getByRole('button', { name: /^Fleet health/ }).click();
    const fleet = page.getByRole('region', { name: 'Fleet health' });
    await context.grantPermissions(['notifications'], { origin: app.origin });
    await fleet.getByRole('button', { name: 'Enable desktop notifications' }).click();
    await fleet.getByText('Desktop notifications on').waitFor();
    const row = fleet.locator('tr.health-row[data-server=web1]');
    await row.locator('.status-ok, .status-warn').waitFor();
    expect(await row.locator('.reason').textContent()).toMatch(UP_REASON);

    await withNginxStopped(async () => {
      // No click: the timer finds it within an interval.
      await row.locator('.status-down').waitFor({ timeout: 15_000 });
      expect(await row.locator('.reason').textContent()).toBe('nginx is not running.');
      expect(await light.getAttribute('class')).toBe('light light-down');
      expect(await page.getByRole('button', { name: /^Fleet health/ }).locator('.badge').textContent()).toBe('1');
      expect(await page.title()).toBe('(1) Hostdeck');
      await page.locator('.toast').getByText('web1 is down').first().waitFor();
      expect(await shown(page)).toContainEqual({ title: 'web1 is down', body: 'nginx is not running.', tag: expect.stringMatching(/^hostdeck-health-/) });
      await row.getByRole('button', { name: 'web1' }).click();
      const details = fleet.getByRole('definition').filter({ hasText: 'nginx not running' });
      await details.waitFor();
      await shot(page, 'health-01-one-server-down');
    });

    const before = (await shown(page)).length;
    await fleet.getByRole('button', { name: 'Check now' }).click();
    await row.locator('.status-ok, .status-warn').waitFor();
    expect(await light.getAttribute('class')).toMatch(UP_LIGHT);
    await expect.poll(async () => (await shown(page)).slice(before)).toContainEqual({ title: expect.stringMatching(/^web1 (is OK again|needs a look)$/), body: expect.stringMatching(UP_REASON), tag: expect.any(String) });
    const history = fleet.getByRole('list', { name: 'History of changes' }).getByRole('listitem');
    await expect.poll(() => history.allTextContents()).toContainEqual(expect.stringMatching(new RegExp(`web1 ${UP_LABEL} → down — nginx is not running\\.$`)));
    expect(await history.allTextContents()).toContainEqual(expect.stringMatching(new RegExp(`web1 down → ${UP_LABEL} — `)));
    await shot(page, 'health-02-recovered-with-history');

    await fleet.getByRole('button', { name: 'Open web1' }).click();
    await view.getByRole('region', { name: 'Health' }).getByText('nginx running').waitFor();
    await shot(page, 'health-03-server-view-health');
    await context.close();
  });
});
