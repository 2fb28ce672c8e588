// Account changes of the database browser: the contract's rules for user names, hosts, names
// and privileges, and the statements built from them (quoting, masking, the wildcard escape).
import { describe, expect, it } from 'vitest';
import { accountStatements, maskSecret, quoteIdent, quoteString } from '../../src-main/core/db/account-sql';
import { AccountChange, AccountPreview, hostProblem, isIpv6, MysqlUserName } from '../../shared/mysql-accounts';
import { HOSTILE_HOSTS, HOSTILE_REFUSED_NAMES } from '../helpers/db-accounts';

describe('account contract', () => {
  it('takes the hosts MySQL takes', () => {
    for (const host of ['%', 'localhost', '127.0.0.1', '192.168.1.%', '192.168.%', '%.example.com', 'db-1.example.com', 'web_', '::1', 'fe80::1', '2001:db8::ff00:42:8329', '::ffff:192.0.2.1', '192.168.1.0/255.255.255.0']) {
      expect(hostProblem(host), host).toBeNull();
    }
    for (const host of HOSTILE_HOSTS) expect(hostProblem(host), host).not.toBeNull();
    expect(isIpv6('1:2:3:4:5:6:7:8:9')).toBe(false);
    expect(isIpv6('1::2::3')).toBe(false);
  });

  it('refuses names no quoting may carry', () => {
    for (const name of HOSTILE_REFUSED_NAMES) expect(MysqlUserName.safeParse(name).success, JSON.stringify(name)).toBe(false);
    expect(MysqlUserName.safeParse('a'.repeat(80)).success).toBe(true);
    expect(MysqlUserName.safeParse("o'brien `x` %'@'%").success).toBe(true);
  });

  it('takes privileges from the fixed list only, table privileges on tables', () => {
    const grant = (privileges: string[], table: string | null = null, grantOption = false) =>
      AccountChange.safeParse({ op: 'grant', user: 'u', host: '%', scope: { database: 'shop', table }, privileges, grantOption });
    expect(grant(['SELECT', 'INSERT']).success).toBe(true);
    expect(grant(['SELECT'], 'orders').success).toBe(true);
    for (const bad of [['FILE'], ['SUPER'], ['GRANT OPTION'], ['SELECT; DROP USER x'], ['select'], [], ['ALL PRIVILEGES', 'SELECT'], ['SELECT', 'SELECT']]) {
      expect(grant(bad).success, bad.join()).toBe(false);
    }
    expect(grant(['EXECUTE'], 'orders').success).toBe(false);
    expect(grant(['LOCK TABLES'], 'orders').success).toBe(false);
    expect(AccountChange.safeParse({ op: 'revoke', user: 'u', host: '%', scope: { database: 'shop' }, privileges: [], grantOption: true }).success).toBe(true);
  });
});

describe('account statements', () => {
  const build = (change: unknown, password: string | null = null) => accountStatements(AccountPreview.parse(change), password);

  it('quotes account names and identifiers with doubled backticks, masks the password', () => {
    expect(build({ op: 'create', user: 'a`b', host: '%', password: 'secret-Pw-1' })).toEqual(['CREATE USER `a``b`@`%` IDENTIFIED BY \'***\'']);
    expect(build({ op: 'password', user: "o'x", host: 'localhost' }, quoteString("it's", false))).toEqual(["ALTER USER `o'x`@`localhost` IDENTIFIED BY 'it\\'s'"]);
    expect(build({ op: 'drop', user: 'u', host: '10.0.0.%' })).toEqual(['DROP USER `u`@`10.0.0.%`']);
  });

  it('grants on a database literally (its _ and % escaped), or on one table', () => {
    expect(build({ op: 'grant', user: 'u', host: '%', scope: { database: 'cust_a%' }, privileges: ['SELECT', 'INSERT'], grantOption: true })).toEqual([
      'GRANT SELECT, INSERT ON `cust\\_a\\%`.* TO `u`@`%` WITH GRANT OPTION',
    ]);
    expect(build({ op: 'grant', user: 'u', host: '%', scope: { database: 'sh`op', table: 'or_ders' }, privileges: ['SELECT'] })).toEqual(['GRANT SELECT ON `sh``op`.`or_ders` TO `u`@`%`']);
    expect(build({ op: 'revoke', user: 'u', host: '%', scope: { database: 'cust\\_a', pattern: true }, privileges: ['ALL PRIVILEGES'], grantOption: true })).toEqual([
      'REVOKE ALL PRIVILEGES, GRANT OPTION ON `cust\\_a`.* FROM `u`@`%`',
    ]);
  });

  it('checks again in the core what the contract checked', () => {
    expect(() => accountStatements({ op: 'grant', user: 'u', host: '%', scope: { database: 'd', table: null, pattern: false }, privileges: ['SELECT; DROP USER x' as 'SELECT'], grantOption: false }, null)).toThrow(/Privileges are chosen/);
    expect(() => accountStatements({ op: 'drop', user: 'u', host: "%'@'%" }, null)).toThrow(/Host is/);
    expect(() => quoteIdent('a\u0000b')).toThrow(/NUL/);
  });

  it('escapes string literals for the session mode and masks every form of a secret', () => {
    expect(quoteString("a'b\\", false)).toBe("'a\\'b\\\\'");
    expect(quoteString("a'b\\", true)).toBe("'a''b\\'");
    const secret = "p'w\\x";
    expect(maskSecret(`near 'p\\'w\\\\x' and p''w\\x and ${secret}`, secret)).toBe("near '***' and *** and ***");
  });
});
