// Deploy templates in Chromium, as an admin uses them: a site with a database, an app staged (as
// an upload with Files leaves it); the deploy form filled in and "Save as template…"; the form
// opened again and filled from the template, the database chosen, deployed: config.php gets the
// database's name, its new password (shown once) and the site's URL, the unchosen {{DB_HOST}}
// stays. Then "Templates…": export as YAML, rename, import the exported text back, a template
// with an unknown placeholder refused at the import field, delete with the name typed.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mariadbRoot, sh } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';
import { addTrustedWeb1, calmShot, e2eSuite } from './app';
import { fillTestbedServerSettings } from './server-settings';
import { createSiteInUi } from './sites';

const tag = randomUUID().replaceAll('-', '').slice(0, 8);
const site = `hddt${tag}`;
const domain = `dt-${tag}.test`;
const db = `${site}_db`;
const work = `/tmp/hd-deploy-tpl-${tag}`;

const suite = e2eSuite();

afterAll(() => {
  sh(`id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${site}-*.conf && nginx -s reload -c ${suite.tb.nginx.conf}`);
  try {
    mariadbRoot(`DROP DATABASE IF EXISTS \`${db}\`; DROP USER IF EXISTS '${db}'@'localhost'`);
  } catch {
    // the testbed's MariaDB may be gone already
  }
});

const scrollTo = (page: import('playwright-core').Page, selector: string, block: 'start' | 'end' = 'start') => page.evaluate(([s, b]) => document.querySelector(s!)?.scrollIntoView({ block: b as ScrollLogicalPosition }), [selector, block]);

describe('deploy templates in the UI', () => {
  it('saves a template, deploys with it, exports, renames, imports and deletes it', async () => {
    const { page, app } = await suite.open('e2e-deploy-templates');
    await addTrustedWeb1(page, suite.tb, 'root');
    await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    await fillTestbedServerSettings(page, suite.tb);
    const view = page.getByRole('region', { name: 'Sites of web1' });
    const row = await createSiteInUi(view, site, domain);
    await row.getByRole('button', { name: site }).click();
    const dbs = view.getByRole('region', { name: `Databases of ${site}` });
    await dbs.getByRole('button', { name: 'New database' }).click();
    const dbForm = dbs.getByRole('form', { name: `New database for ${site}` });
    await dbForm.locator('[data-field=name] input').fill(db);
    await dbForm.locator('[data-field=user] input').fill(db);
    await dbForm.getByRole('button', { name: 'Create database' }).click();
    registerSecret('deploy templates e2e: first db password', (await dbs.getByTestId('db-password').textContent().catch(() => null)) ?? '');
    await dbs.getByRole('button', { name: 'Done, hide it' }).click();
    await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');

    sh(`mkdir -p ${work}/app && cd ${work}/app && printf '%s\\n' "<?php return ['name' => '{{DB_NAME}}', 'pass' => '{{DB_PASSWORD}}', 'url' => '{{SITE_URL}}', 'host' => '{{DB_HOST}}'];" > config.php && tar -czf ../shop.tar.gz .`);
    sh(`mkdir -p -m 0700 /home/${site}/.hostdeck-deploy && cp ${work}/shop.tar.gz /home/${site}/.hostdeck-deploy/ && chown -R ${site}: /home/${site}/.hostdeck-deploy`);

    // The form filled in and kept as a template.
    const part = view.getByRole('region', { name: `Deploy an app into ${site}` });
    await part.getByRole('button', { name: 'Deploy…' }).click();
    const form = part.getByRole('form', { name: `Deploy into ${site}` });
    await form.locator('[data-field=source] input').fill('shop.tar.gz');
    await form.locator('[data-field=target] input').fill('shop');
    await form.locator('[data-field=placeholderFiles] input').fill('config.php');
    await form.getByRole('group', { name: 'Placeholders to fill in' }).getByRole('checkbox', { name: '{{DB_HOST}}' }).uncheck();
    await form.locator('[data-field=commands] textarea').fill('touch installed.txt');
    await form.getByRole('button', { name: 'Save as template…' }).click();
    const save = form.getByRole('group', { name: 'Save as template' });
    await save.locator('[data-field=name] input').fill('Demo shop 1');
    await scrollTo(page, '.deploy-save-template', 'end');
    await calmShot(page, 'deploy-templates-01-save');
    await save.getByRole('button', { name: 'Save template' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('Template "Demo shop 1" saved.');
    const stored = JSON.parse(readFileSync(path.join(app.dataDir, 'deploy-templates.json'), 'utf8')) as { version: number; templates: { name: string; placeholders: string[] }[] };
    expect(stored.version).toBe(1);
    expect(stored.templates.map((t) => [t.name, t.placeholders.join(' ')])).toEqual([['Demo shop 1', 'DB_NAME DB_USER DB_PASSWORD DOMAIN SITE_URL']]);
    await form.getByRole('button', { name: 'Cancel' }).click();

    // A fresh form filled from the template, the database chosen, deployed.
    await part.getByRole('button', { name: 'Deploy…' }).click();
    await form.locator('[data-field=template] select').selectOption('Demo shop 1');
    expect(await form.locator('[data-field=source] input').inputValue()).toBe('shop.tar.gz');
    expect(await form.locator('[data-field=target] input').inputValue()).toBe('shop');
    expect(await form.getByRole('checkbox', { name: '{{DB_HOST}}' }).isChecked()).toBe(false);
    await form.locator('[data-field=database] select').selectOption(db);
    await scrollTo(page, '.site-part.deploy h4');
    await calmShot(page, 'deploy-templates-02-filled-from-template');
    await form.getByRole('button', { name: 'Deploy', exact: true }).click();
    const password = (await part.getByTestId('deploy-password').textContent()) ?? '';
    registerSecret('deploy templates e2e: deploy db password', password);
    expect(password.length).toBeGreaterThanOrEqual(8);
    const config = `/home/${site}/public_html/shop/config.php`;
    await expect.poll(() => sh(`test -e /home/${site}/public_html/shop/installed.txt && cat ${config}`), { timeout: 30_000 }).toBe(
      `<?php return ['name' => '${db}', 'pass' => '${password}', 'url' => 'http://${domain}', 'host' => '{{DB_HOST}}'];\n`,
    );
    await scrollTo(page, '.site-part.deploy h4');
    await calmShot(page, 'deploy-templates-03-deployed');
    await part.getByRole('button', { name: 'Done, hide it' }).click();

    // Managing templates: export, rename, import the export back, a hostile import, delete.
    await part.getByRole('button', { name: 'Deploy…' }).click();
    await form.getByRole('button', { name: 'Templates…' }).click();
    const manage = form.getByRole('region', { name: 'Deploy templates' });
    const item = (name: string) => manage.locator(`li[data-template="${name}"]`);
    await item('Demo shop 1').getByRole('button', { name: 'Export YAML' }).click();
    const exported = await manage.getByRole('group', { name: /^Exported / }).locator('textarea').inputValue();
    expect(exported).toMatch(/^format: hostdeck-deploy-template\nversion: 1\ntemplate:\n {2}name: Demo shop 1\n/);
    await scrollTo(page, '.deploy-templates');
    await calmShot(page, 'deploy-templates-04-export');
    await item('Demo shop 1').getByRole('button', { name: 'Rename…' }).click();
    await item('Demo shop 1').getByRole('textbox', { name: 'New name of Demo shop 1' }).fill('Demo shop 2');
    await item('Demo shop 1').getByRole('button', { name: 'Rename', exact: true }).click();
    await item('Demo shop 2').waitFor();
    await manage.locator('[data-field=text] textarea').fill(exported);
    await manage.getByRole('button', { name: 'Import', exact: true }).click();
    await item('Demo shop 1').waitFor();
    await manage.locator('[data-field=text] textarea').fill(exported.replace('Demo shop 1', 'Evil').replace('- DB_NAME', '- EVIL'));
    await manage.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => manage.locator('[data-field=text] .field-error').textContent()).toMatch(/placeholder is one of/);
    await scrollTo(page, '.deploy-templates [data-field=text]', 'end');
    await calmShot(page, 'deploy-templates-05-import-refused');
    await item('Demo shop 2').getByRole('button', { name: 'Delete…' }).click();
    await item('Demo shop 2').getByRole('textbox', { name: 'Type Demo shop 2 to delete it' }).fill('Demo shop');
    await item('Demo shop 2').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => manage.getByRole('alert').first().textContent()).toMatch(/Type the template's name/);
    await item('Demo shop 2').getByRole('textbox', { name: 'Type Demo shop 2 to delete it' }).fill('Demo shop 2');
    await item('Demo shop 2').getByRole('button', { name: 'Delete', exact: true }).click();
    await item('Demo shop 2').waitFor({ state: 'detached' });
    await scrollTo(page, '.deploy-templates');
    await calmShot(page, 'deploy-templates-06-managed');
    expect((JSON.parse(readFileSync(path.join(app.dataDir, 'deploy-templates.json'), 'utf8')) as { templates: { name: string }[] }).templates.map((t) => t.name)).toEqual(['Demo shop 1']);
    expect(readFileSync(path.join(app.dataDir, 'deploy-templates.json'), 'utf8')).not.toContain(password);
  });
});
