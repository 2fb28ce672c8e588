// Deploy: the contract refuses placeholders in names, paths that climb out, plain-http URLs,
// unknown placeholder names, a typed password with a line break or without a database; a
// placeholder's value in a .php file is escaped for a single-quoted PHP string, and a real php
// reads every hostile value back unchanged (nothing breaks out); elsewhere only plain values go;
// the option file of the dump's import escapes `\` and `"`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeployInput } from '../../shared/api/deploy';
import { deployValue, optionFileValue } from '../../src-main/core/hosting/deploy-tasks';
import { HOSTILE_VALUES } from '../helpers/php';

const base = { serverId: '00000000-0000-4000-8000-000000000000', site: 'shop', source: { kind: 'staged', archive: 'app.tar.gz' }, target: 'app' };

describe('deploy contract', () => {
  it('takes a plain deploy and refuses hostile names, targets and URLs', () => {
    expect(DeployInput.safeParse({ ...base, database: 'shop_db', dump: 'dump.sql.gz', placeholderFiles: ['config/app.php'] }).success).toBe(true);
    for (const bad of [
      { placeholderFiles: ['{{DB_NAME}}.php'] }, { placeholderFiles: ['../x.php'] }, { placeholderFiles: ['/etc/passwd'] },
      { target: '../x' }, { target: '' }, { target: '/tmp' }, { target: 'a/../../b' }, { target: '.ssh' },
      { source: { kind: 'staged', archive: '../app.tar.gz' } }, { source: { kind: 'staged', archive: 'app.tar' } },
      { source: { kind: 'url', url: 'http://example.com/a.tar.gz' } }, { source: { kind: 'url', url: 'https://example.com/a.tar.gz;id' } },
      { dump: 'dump.sql' }, { commands: ['echo a\nid'] }, { extra: 1 },
      { placeholders: ['EVIL'] }, { database: 'shop_db', placeholderFiles: ['config.php'], placeholders: [] }, { password: 'long enough pw' },
      { database: 'shop_db', password: 'line\nbreak pw' }, { database: 'shop_db', password: 'short' },
    ]) {
      expect(DeployInput.safeParse({ ...base, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('placeholder values', () => {
  it('a hostile value in a .php file stays inside its single-quoted string', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hd-deploy-'));
    try {
      const values = [...HOSTILE_VALUES, "'; system('id'); '", "\\'", '\\\\', "?>\n<?php", '{{DB_PASSWORD}}'].filter((v) => !/[\u0000-\u001f\u007f\u0085\u2028\u2029]/.test(v));
      const file = join(dir, 'v.php');
      writeFileSync(file, `<?php\n${values.map((v) => `echo bin2hex('${deployValue('config.php', v)}'), "\\n";`).join('\n')}\n`);
      const out = execFileSync('php', ['-n', file], { encoding: 'utf8' }).trim().split('\n');
      expect(out).toEqual(values.map((v) => Buffer.from(v, 'utf8').toString('hex')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses control characters anywhere and special characters outside .php', () => {
    for (const v of ['a\nb', 'a\rb', '\u0000', 'a\u2028b']) expect(() => deployValue('config.php', v)).toThrow(/control/);
    for (const v of ["a'b", 'a"b', '$(id)', 'a b', '#x']) expect(() => deployValue('.env', v)).toThrow(/special/);
    expect(deployValue('.env', 'Ab3-_.+=')).toBe('Ab3-_.+=');
  });
});

describe('option file value', () => {
  it('escapes backslashes and double quotes only, and refuses control characters', () => {
    expect(optionFileValue('a"b\\c\'d $e#f')).toBe('a\\"b\\\\c\'d $e#f');
    for (const v of ['', 'a\nb', 'a\u0000b']) expect(() => optionFileValue(v)).toThrow(/cannot pass on/);
  });
});
