// Deploy in Chromium, as an admin does it: a site created, a zip staged in its hidden staging
// folder (as an upload with Files leaves it), "Deploy…": an archive name that climbs out gets
// its error under its field and nothing is queued; the preview shows the unpack task; queued,
// the app lands in public_html/ui, owned by the site.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sh } from '../helpers/hosting';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';

const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hddpui${tag}`;
const work = `/tmp/hd-deploy-ui-${tag}`;

afterAll(() => {
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const suite = e2eSuite();

describe('deploy in the UI', () => {
  it('refuses a bad archive name at its field, previews, queues and unpacks the app', async () => {
    const { page } = await suite.open('e2e-deploy');
    await addTrustedWeb1(page, suite.tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = page.getByRole('region', { name: 'Sites of web1' });
    const newSite = view.getByRole('form', { name: 'New site' });
    await newSite.locator('[data-field=name] input').fill(site);
    await newSite.locator('[data-field=quotaMb] input').fill('0');
    await newSite.getByRole('button', { name: 'Create site' }).click();
    const row = view.locator(`tr.site-row[data-site=${site}]`);
    await row.waitFor();
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');

    sh(`mkdir -p ${work}/app && echo 'deployed from the UI' > ${work}/app/index.html && cd ${work}/app && zip -q ../app.zip index.html`);
    sh(`mkdir -p -m 0700 /home/${site}/.hostdeck-deploy && cp ${work}/app.zip /home/${site}/.hostdeck-deploy/ && chown -R ${site}: /home/${site}/.hostdeck-deploy`);

    await row.getByRole('button', { name: site }).click();
    const part = view.getByRole('region', { name: `Deploy an app into ${site}` });
    await part.getByRole('button', { name: 'Deploy…' }).click();
    const form = part.getByRole('form', { name: `Deploy into ${site}` });
    await form.locator('[data-field=source] input').fill('../app.zip');
    await form.locator('[data-field=target] input').fill('ui');
    await form.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect.poll(() => form.locator('[data-field=source] .field-error').textContent()).toMatch(/file name/);
    await page.evaluate(() => document.querySelector('.site-part.deploy h4')?.scrollIntoView({ block: 'start' }));
    await calmShot(page, 'deploy-01-field-error');

    await form.locator('[data-field=source] input').fill('app.zip');
    await form.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('dialog', { name: `Preview: deploy into ${site}` });
    await preview.waitFor();
    expect(await preview.locator('.preview-tasks li').count()).toBe(1);
    await calmShot(page, 'deploy-02-preview');
    await preview.getByRole('button', { name: 'Queue these tasks' }).click();
    await expect.poll(() => sh(`cat /home/${site}/public_html/ui/index.html 2>/dev/null`), { timeout: 30_000 }).toBe('deployed from the UI\n');
    expect(sh(`stat -c %U /home/${site}/public_html/ui/index.html`)?.trim()).toBe(site);
    await calmShot(page, 'deploy-03-queued');
    expect(readFileSync(`/home/${site}/public_html/ui/index.html`, 'utf8')).toBe('deployed from the UI\n');
  });
});
