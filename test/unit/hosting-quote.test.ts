// Shell and SQL quoting: every hostile string survives a real `sh -c` byte for byte, SQL
// literals and names come out inert, and assertSafe refuses what the contract refuses.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { DomainList, FtpSubdir, Password, SiteName } from '../../shared/hosting';
import { assertSafe, sqlIdent, sqlString } from '../../src-main/core/hosting/quote';
import { shJoin, shQuote } from '../../src-main/core/ssh/sh-quote';

const hostile = [
  '',
  ' ',
  'plain',
  "it's",
  "''",
  "'\\''",
  "a'b'c'd",
  '"double"',
  "mixed \"and' quotes",
  '$HOME',
  '${HOME}',
  '$(touch /tmp/hostdeck-canary)',
  '`touch /tmp/hostdeck-canary`',
  '; touch /tmp/hostdeck-canary',
  '&& touch /tmp/hostdeck-canary',
  '| cat /etc/passwd',
  '> /tmp/hostdeck-canary',
  '< /etc/passwd',
  'a\nb',
  'line1\nline2\n',
  '\n',
  'cr\r\nlf',
  'tab\there',
  'back\\slash',
  '\\',
  "\\'",
  'trailing backslash\\',
  '*',
  '?',
  '[a-z]*',
  '~root',
  '~',
  '-rf',
  '--help',
  '-n',
  '-e \\x41',
  '%s%n%d',
  '!!',
  '#comment',
  '{a,b}',
  'a=b',
  '../../etc/passwd',
  'пароль',
  'shоp.test',
  'ｆｕｌｌｗｉｄｔｈ',
  '密码',
  '🔑🗝️',
  'é\u0301',
  '\u2028\u2029',
  '\u007f\u001b[31mred',
  "x'; DROP DATABASE mysql; --",
  'a'.repeat(300),
  `!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~`,
];

function viaSh(quoted: string): Buffer {
  return execFileSync('sh', ['-c', `printf %s ${quoted}`], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' } });
}

const CANARY = '/tmp/hostdeck-canary';

describe('shQuote', () => {
  beforeAll(() => rmSync(CANARY, { force: true }));
  afterAll(() => {
    // None of the hostile strings ran: the file they try to create does not exist.
    expect(existsSync(CANARY)).toBe(false);
  });

  it('wraps in single quotes and turns \' into \'\\\'\'', () => {
    expect(shQuote('abc')).toBe("'abc'");
    expect(shQuote("it's")).toBe("'it'\\''s'");
    expect(shQuote('')).toBe("''");
  });

  it.each(hostile.map((v) => [JSON.stringify(v).slice(0, 60), v]))('survives sh -c byte for byte: %s', (_label, value) => {
    const out = viaSh(shQuote(value));
    expect(out.equals(Buffer.from(value, 'utf8'))).toBe(true);
  });

  it('keeps words apart in shJoin', () => {
    const words = ['a b', "c'd", '$(e)', '\n'];
    const out = execFileSync('sh', ['-c', `printf '<%s>' ${shJoin(words)}`]).toString('utf8');
    expect(out).toBe(words.map((w) => `<${w}>`).join(''));
  });

  it('refuses NUL, which no command line can carry', () => {
    expect(() => shQuote('a\u0000b')).toThrow(AppError);
  });

  it(`quoted ${hostile.length} hostile strings`, () => {
    expect(hostile.length).toBeGreaterThanOrEqual(50);
  });
});

describe('sqlString / sqlIdent', () => {
  it('escapes string literals with mysql2', () => {
    expect(sqlString("it's")).toBe("'it\\'s'");
    expect(sqlString("x'; DROP DATABASE mysql; --")).toBe("'x\\'; DROP DATABASE mysql; --'");
    expect(sqlString('back\\slash')).toBe("'back\\\\slash'");
    expect(sqlString('a\u0000b\nc')).toBe("'a\\0b\\nc'");
    expect(sqlString('пароль🔑')).toBe("'пароль🔑'");
  });

  it('escapes identifiers with mysql2, a dot staying part of the name', () => {
    expect(sqlIdent('shop_main')).toBe('`shop_main`');
    expect(sqlIdent('a`b')).toBe('`a``b`');
    expect(sqlIdent('shop.evil')).toBe('`shop.evil`');
    expect(sqlIdent('x`; DROP DATABASE mysql; --')).toBe('`x``; DROP DATABASE mysql; --`');
    expect(() => sqlIdent('')).toThrow(AppError);
    expect(() => sqlIdent('a\u0000')).toThrow(AppError);
  });
});

describe('assertSafe', () => {
  it('returns the parsed value', () => {
    expect(assertSafe(SiteName, 'shop')).toBe('shop');
    expect(assertSafe(DomainList, ['WWW.Shop.Test'], 'aliases')).toEqual(['www.shop.test']);
    expect(assertSafe(Password, `'"$;\\ пароль`)).toBe(`'"$;\\ пароль`);
  });

  it('throws invalid-input with the field message', () => {
    const attempt = (fn: () => unknown): AppError => {
      try {
        fn();
      } catch (error) {
        return error as AppError;
      }
      throw new Error('did not throw');
    };
    const e1 = attempt(() => assertSafe(SiteName, 'root', 'name'));
    expect(e1).toBeInstanceOf(AppError);
    expect(e1.code).toBe('invalid-input');
    expect(e1.message).toBe('Site name "root" is reserved for a system account; choose another name');
    expect(e1.fields).toEqual({ name: e1.message });

    const e2 = attempt(() => assertSafe(FtpSubdir, '../etc'));
    expect(e2.fields).toEqual({ _: "Folder must stay inside the site's home (no ..)" });

    const e3 = attempt(() => assertSafe(DomainList, ['ok.test', 'pаypal.com'], 'aliases'));
    expect(e3.fields).toEqual({ 'aliases.1': 'Domain must be plain ASCII: use the punycode form (xn--…)' });
  });
});
