// Deploy templates: saved, renamed, replaced only when asked, deleted, kept in a versioned file;
// exported and imported as JSON and YAML unchanged; a template with an unknown placeholder, a
// climbing or absolute config path, a control character, an http URL, an extra key, a YAML tag
// or an alias bomb is refused with its reason and nothing is saved.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeployTemplate } from '../../shared/api/deploy-templates';
import { DeployTemplateStore, templateFromText, templateText } from '../../src-main/core/hosting/deploy-templates';

const dir = mkdtempSync(join(tmpdir(), 'hd-deploy-templates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shop = DeployTemplate.parse({
  name: 'PrestaShop 8',
  source: { kind: 'url', url: 'https://example.com/prestashop_8.1.zip' },
  target: 'shop',
  dump: 'shop.sql.gz',
  placeholderFiles: ['app/config/parameters.php'],
  placeholders: ['DB_NAME', 'DB_USER', 'DB_PASSWORD', 'SITE_URL'],
  commands: ['php bin/console cache:clear'],
  cron: { schedule: '*/5 * * * *', command: 'php public_html/shop/bin/console cron:run' },
});

describe('deploy template store', () => {
  it('saves, renames, refuses a name in use unless replacing, deletes, and keeps a versioned file', () => {
    const store = new DeployTemplateStore(dir);
    expect(store.save(shop, undefined, false).map((t) => t.name)).toEqual(['PrestaShop 8']);
    expect(() => store.save({ ...shop, target: 'other' }, undefined, false)).toThrow(/exists already/);
    expect(() => store.save({ ...shop, name: 'prestashop 8' }, undefined, false)).toThrow(/exists already/);
    expect(store.save({ ...shop, target: 'other' }, undefined, true)[0]?.target).toBe('other');
    expect(store.save({ ...shop, name: 'Shop' }, 'PrestaShop 8', false).map((t) => t.name)).toEqual(['Shop']);
    const file = JSON.parse(readFileSync(join(dir, 'deploy-templates.json'), 'utf8'));
    expect(file.version).toBe(1);
    expect(new DeployTemplateStore(dir).list()[0]?.name).toBe('Shop');
    expect(store.delete('Shop')).toEqual([]);
  });
});

describe('template text', () => {
  it('JSON and YAML round trips give the same template', () => {
    for (const format of ['json', 'yaml'] as const) expect(templateFromText(templateText(shop, format), format)).toEqual(shop);
    expect(templateText(shop, 'yaml')).toMatch(/^format: hostdeck-deploy-template\nversion: 1\n/);
  });

  it('refuses hostile or broken templates with the reason', () => {
    const doc = (t: object) => JSON.stringify({ format: 'hostdeck-deploy-template', version: 1, template: { ...shop, ...t } });
    const bad: [string, 'json' | 'yaml', RegExp][] = [
      [doc({ placeholders: ['DB_PASSWORD', 'EVIL'] }), 'json', /placeholder is one of/],
      [doc({ placeholders: ['DB_NAME}}$(id){{'] }), 'json', /placeholder is one of/],
      [doc({ placeholderFiles: ['../../.ssh/authorized_keys'] }), 'json', /relative path/],
      [doc({ placeholderFiles: ['/etc/passwd'] }), 'json', /relative path/],
      [doc({ placeholderFiles: ['conf\n.php'] }), 'json', /relative path/],
      [doc({ placeholderFiles: ['{{DB_NAME}}.php'] }), 'json', /relative path/],
      [doc({ target: '..' }), 'json', /relative path/],
      [doc({ source: { kind: 'url', url: 'http://example.com/a.zip' } }), 'json', /https/],
      [doc({ commands: ['echo a\nid'] }), 'json', /one line/],
      [doc({ password: 'x' }), 'json', /password|Unrecognized/i],
      [doc({ name: 'a\u0000b' }), 'json', /Name/],
      [JSON.stringify({ format: 'something-else', version: 1, template: shop }), 'json', /Not a Hostdeck deploy template/],
      [JSON.stringify({ format: 'hostdeck-deploy-template', version: 2, template: shop }), 'json', /version 1/],
      ['{ not json', 'json', /not valid JSON/],
      ['format: hostdeck-deploy-template\nversion: 1\ntemplate: !!js/function "x"\n', 'yaml', /YAML|template/],
      [`a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 30 }, (_, i) => `b${i}: [*a, *a, *a, *a, *a, *a, *a, *a]`).join('\n')}\n`, 'yaml', /YAML|alias|template/i],
      ['format: hostdeck-deploy-template\nformat: x\n', 'yaml', /YAML/],
    ];
    for (const [text, format, why] of bad) expect(() => templateFromText(text, format), text).toThrow(why);
  });
});
