// Cron jobs of a site in Chromium, as an admin does it, by keyboard where a keyboard user would:
// web1 added as root (the cron folder a server setting, a relative one refused), a site created, then "Add cron job": a schedule cron would not read gets its
// error under its field and nothing is queued; the fixed schedule reads aloud ("every day at
// 03:00"), the preview shows the cron file's task, queued it is written to /etc/cron.d. "Run now"
// shows the job's output as it comes (run as the site's user) and its exit code, and the job's
// last run then comes from the site's log. Removing the job removes the file.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sh } from '../helpers/hosting';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';

const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hdcronui${tag}`;
const cronFile = `/etc/cron.d/hostdeck-${site}`;

// Registered before the suite's own hooks, so it runs after them (after hooks run in reverse):
// once the app is closed, no task of it can write the file again.
afterAll(() => {
  rmSync(cronFile, { force: true });
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
});

const suite = e2eSuite();

describe('cron jobs of a site in the UI', () => {
  it('adds a job (a bad schedule refused at its field), previews, queues, runs it now with its output streamed, removes it', async () => {
    const { page } = await suite.open('e2e-hosting-cron');
    await addTrustedWeb1(page, suite.tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });

    // The cron folder is a server setting (Debian's by default); a relative one is refused at its field.
    await view.locator('details.hosting-settings summary').click();
    const settings = view.getByRole('form', { name: 'Server settings' });
    const cronDir = settings.locator('[data-field="cron.dir"]');
    expect(await cronDir.locator('input').inputValue()).toBe('/etc/cron.d');
    await cronDir.locator('input').fill('cron.d');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => cronDir.locator('.field-error').textContent()).toMatch(/absolute path/);
    await cronDir.scrollIntoViewIfNeeded();
    await calmShot(page, 'hosting-cron-00-settings');
    await settings.getByRole('button', { name: 'Revert' }).click();
    await view.locator('details.hosting-settings summary').click();

    const newSite = view.getByRole('form', { name: 'New site' });
    await newSite.locator('[data-field=name] input').fill(site);
    await newSite.locator('[data-field=quotaMb] input').fill('0');
    await newSite.getByRole('button', { name: 'Create site' }).click();
    const row = view.locator(`tr.site-row[data-site=${site}]`);
    await row.waitFor();
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    await row.getByRole('button', { name: site }).click();
    const part = view.getByRole('region', { name: `Cron jobs of ${site}` });
    expect(await part.textContent()).toContain('No cron jobs.');

    // By keyboard: the button, then the schedule (focused), Tab to the command, Enter submits.
    await part.getByRole('button', { name: 'Add cron job' }).focus();
    await page.keyboard.press('Enter');
    const form = part.getByRole('form', { name: `Add a cron job of ${site}` });
    await page.keyboard.type('0 3 * * * *');
    await page.keyboard.press('Tab');
    await page.keyboard.type('echo "hello from $(id -un)"; sleep 1; echo "50% done"');
    await page.keyboard.press('Enter');
    await expect.poll(() => form.locator('[data-field=schedule] .field-error').textContent()).toMatch(/five fields/);
    await calmShot(page, 'hosting-cron-01-field-error');
    expect(existsSync(cronFile)).toBe(false);

    await form.locator('[data-field=schedule] input').fill('0 3 * * *');
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('dialog', { name: `Preview: Add a cron job of ${site}` });
    await preview.waitFor();
    // The schedule checked, its field reads it aloud.
    expect(await form.locator('[data-field=schedule] .hint').textContent()).toBe('Runs every day at 03:00');
    expect(await preview.locator('.preview-tasks li').count()).toBe(1);
    expect(await preview.locator('.preview-commands').first().textContent()).toContain(`/etc/cron.d`);
    await calmShot(page, 'hosting-cron-02-preview');
    await preview.getByRole('button', { name: 'Queue these tasks' }).click();
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => existsSync(cronFile), { timeout: 30_000 }).toBe(true);
    expect(readFileSync(cronFile, 'utf8')).toContain(`0 3 * * * ${site} /usr/local/lib/hostdeck/cron-run `);
    const job = part.locator('li[data-job]');
    await expect.poll(() => job.textContent()).toContain('every day at 03:00');
    expect(await job.getByTestId('cron-last-run').textContent()).toBe('not run yet');

    // Run now: the output as it comes, then the exit code; the last run from the log.
    await job.getByRole('button', { name: /^Run now/ }).click();
    const run = part.getByRole('status', { name: /^Run of / });
    const output = run.getByTestId('cron-output');
    await expect.poll(() => output.textContent(), { timeout: 10_000 }).toBe(`hello from ${site}\n`);
    expect(await run.getByTestId('cron-run-status').textContent()).toBe('Running…');
    await calmShot(page, 'hosting-cron-03-running');
    await expect.poll(() => run.getByTestId('cron-run-status').textContent(), { timeout: 15_000 }).toBe('Ended with exit 0.');
    expect(await output.textContent()).toBe(`hello from ${site}\n50% done\n`);
    await expect.poll(() => job.getByTestId('cron-last-run').textContent(), { timeout: 10_000 }).toMatch(/^last run \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}, exit 0$/);
    await part.scrollIntoViewIfNeeded();
    await calmShot(page, 'hosting-cron-04-ran');
    await run.getByRole('button', { name: 'Close' }).click();

    // Removing the last job removes the file.
    await job.getByRole('button', { name: /^Remove/ }).click();
    await expect.poll(() => part.textContent()).toContain('No cron jobs.');
    await expect.poll(() => existsSync(cronFile), { timeout: 30_000 }).toBe(false);
  }, 180_000);
});
