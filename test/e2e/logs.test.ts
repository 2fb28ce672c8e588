// A site's logs in Chromium, as an admin uses them: web1 added as root, the server and log settings
// pointed at the testbed (a bad "days kept" refused at its field), a site with a domain; its Logs
// section opened, requests made to the domain show up live, the filter narrows what is shown while
// lines keep coming (`/` focuses it), `f` toggles follow, a search on the server finds the lines,
// and the server's Logs tab opens. Closing the section stops the tail on the server.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sh } from '../helpers/hosting';
import { getUntil, httpGet } from '../helpers/php';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';
import { fillTestbedServerSettings } from './server-settings';
import { createSiteInUi } from './sites';

const suite = e2eSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hdlogui${tag}`;
const domain = `${site}.test`;
const logDir = () => `${suite.tb.root}/site-logs`;
const rotateDir = () => `${suite.tb.root}/logrotate.d`;

afterAll(() => {
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  rmSync(`${logDir()}/${site}`, { recursive: true, force: true });
  rmSync(`${rotateDir()}/hostdeck-${site}`, { force: true });
  sh(`rm -f '${suite.tb.nginx.sitesDir}'/hostdeck-${site}-*.conf; nginx -p '${suite.tb.nginx.prefix}/' -c '${suite.tb.nginx.conf}' -s reload`);
});

const tailRunning = () => (sh(`pgrep -f -- "-F -s 0[.]2 -- ${logDir()}/${site}/access.log"`) ?? '').trim() !== '';

describe('logs in the UI', () => {
  it('shows a site\'s access log live, filters it while it follows, searches on the server, and stops the tail when closed', async () => {
    const tb = suite.tb;
    const { page } = await suite.open('e2e-logs');
    await addTrustedWeb1(page, tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });

    await fillTestbedServerSettings(page, tb);

    // Log settings: a bad value is refused at its field, then the testbed's folders.
    await view.locator('details.log-settings summary').click();
    const logs = view.getByRole('form', { name: 'Log settings' });
    await logs.locator('[data-field="logs.dir"] input').fill(logDir());
    await logs.locator('[data-field="logs.rotateDir"] input').fill(rotateDir());
    await logs.locator('[data-field="logs.keep"] input').fill('0');
    await logs.getByRole('button', { name: 'Save log settings' }).click();
    await expect.poll(() => logs.locator('[data-field="logs.keep"] .field-error').textContent()).toMatch(/at least 1/i);
    await calmShot(page, 'logs-01-settings-error');
    await logs.locator('[data-field="logs.keep"] input').fill('7');
    await logs.getByRole('button', { name: 'Save log settings' }).click();
    await logs.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await view.locator('details.log-settings summary').click();

    // A site with a domain.
    const row = await createSiteInUi(view, site, domain);
    expect((await getUntil(domain, '/', (r) => r.status === 200)).status).toBe(200);
    await row.getByRole('button', { name: site }).click();
    const detail = view.getByRole('region', { name: `Site ${site}` });
    const part = detail.getByRole('region', { name: `Logs of ${site}` });
    await part.getByRole('button', { name: 'Open logs' }).click();
    const logView = part.getByTestId('log-view');
    await expect.poll(() => logView.getByRole('tab', { selected: true }).textContent(), { timeout: 15_000 }).toContain('nginx access log');
    const status = logView.getByTestId('log-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('open');
    await expect.poll(tailRunning).toBe(true);

    // Requests to the site's domain arrive in the view.
    for (let i = 0; i < 30; i++) await httpGet(domain, `/page-${i % 3 === 0 ? 'alpha' : 'beta'}-${i}?t=${tag}`);
    const lines = logView.getByRole('log');
    await expect.poll(() => lines.textContent(), { timeout: 5000 }).toContain(`/page-beta-29?t=${tag}`);
    await part.scrollIntoViewIfNeeded();
    await calmShot(page, 'logs-02-live');

    // `/` focuses the filter; it narrows while lines keep coming.
    await lines.click();
    await page.keyboard.press('/');
    await page.keyboard.type('alpha');
    await expect.poll(() => status.textContent()).toMatch(/10 matching lines/);
    for (let i = 30; i < 36; i++) await httpGet(domain, `/page-${i % 3 === 0 ? 'alpha' : 'beta'}-${i}?t=${tag}`);
    await expect.poll(() => status.textContent(), { timeout: 5000 }).toMatch(/12 matching lines/);
    expect(await lines.textContent()).not.toContain('beta');
    expect(await lines.locator('mark').first().textContent()).toBe('alpha');
    await calmShot(page, 'logs-03-filtered');

    // `f` toggles follow (outside the filter box: Esc leaves it).
    await page.keyboard.press('Escape');
    const followButton = logView.getByRole('button', { name: 'Follow' });
    expect(await followButton.getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('f');
    expect(await followButton.getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('f');

    // Search on the server (the log's files, rotated ones too). A hostile text is only text:
    // nothing found, nothing run.
    await logView.locator('details.log-search summary').click();
    const results = logView.getByRole('region', { name: 'Search results' });
    await logView.getByRole('textbox', { name: 'Search text' }).fill(`$(touch /tmp/hd-logs-e2e-${tag})'"\``);
    await logView.getByRole('button', { name: 'Search on server' }).click();
    await expect.poll(() => results.textContent(), { timeout: 10_000 }).toContain('Nothing found');
    expect(sh(`test -e /tmp/hd-logs-e2e-${tag} && echo yes`)).toBeNull();
    await logView.getByRole('textbox', { name: 'Search text' }).fill('beta-2');
    await logView.getByRole('button', { name: 'Search on server' }).click();
    await expect.poll(() => results.textContent(), { timeout: 10_000 }).toMatch(/\b8 lines found/);
    expect(await results.textContent()).toContain('access.log:');
    const [download] = await Promise.all([page.waitForEvent('download'), logView.getByRole('button', { name: 'Download matching lines' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${site}-access-matching-.*\\.log$`));
    expect(readFileSync((await download.path())!, 'utf8').trim().split('\n').filter((l) => l.includes('beta-2'))).toHaveLength(8);
    await results.scrollIntoViewIfNeeded();
    await calmShot(page, 'logs-04-search');

    // Set up logs again: a preview of the logs.site task, then queued and done.
    await part.getByRole('button', { name: 'Set up logs again…' }).click();
    const preview = page.getByRole('dialog', { name: `Preview: logs of ${site}` });
    await preview.waitFor();
    expect(await preview.locator('.preview-commands').first().textContent()).toContain(`${rotateDir()}/hostdeck-${site}`);
    await calmShot(page, 'logs-05-set-up-preview');
    await preview.getByRole('button', { name: 'Queue these tasks' }).click();
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    expect(sh(`grep -c 'rotate 7' '${rotateDir()}/hostdeck-${site}'`)).toBe('3\n');

    // Closing the section stops the tail on the server.
    await part.getByRole('button', { name: 'Close logs' }).click();
    await expect.poll(tailRunning, { timeout: 5000 }).toBe(false);

    // The server's own logs tab opens (what this machine has: syslog, nginx's, the journal…).
    await page.getByRole('tab', { name: /^web1$/ }).click().catch(() => undefined);
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Logs', exact: true }).click();
    const serverLogs = page.getByRole('region', { name: 'Logs of web1' });
    await serverLogs.waitFor();
    await expect.poll(async () => (await serverLogs.textContent()) ?? '', { timeout: 15_000 }).toMatch(/No readable log found|Starting|Waiting|lines?/);
    await calmShot(page, 'logs-06-server');
  });
});
