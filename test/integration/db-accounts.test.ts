// MySQL accounts edited from the database browser, against the testbed's MariaDB through SSH:
// a created account logs in (through the testbed's socket, so as @localhost), a table grant
// lets it read that table and no other, a revoke takes it back, a new password replaces the old,
// a drop needs the account typed; support mode and a read-only server refuse every change with
// nothing changed; the audit log holds each statement with the password masked; hostile names,
// hosts, identifiers and passwords are refused or taken literally, and a canary proves nothing
// else ran.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/api/db';
import { literalPattern, quoteIdent } from '../../src-main/core/db/account-sql';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';
import { closeDbCores, dbCore } from '../helpers/db';
import { HOSTILE_HOSTS, HOSTILE_LITERAL_IDENTS, HOSTILE_LITERAL_NAMES, HOSTILE_PASSWORDS, HOSTILE_REFUSED_IDENTS, HOSTILE_REFUSED_NAMES } from '../helpers/db-accounts';
import { registerSecret } from '../helpers/secrets';

let tb: TestbedInfo;
let admin: mysql.Connection;
const HOST = 'localhost';
const TEST_USERS = ['hd_acc_u', 'hd_acc_pw', 'hd_acc_sm', 'hd_acc_evil', ...HOSTILE_LITERAL_NAMES];

type Users = { user: string; host: string; grants: string[]; privileges: { database: string; table: string | null; privileges: string[] }[] }[];
type Changed = { statements: string[]; password: string | null };

async function dropTestUsers(): Promise<void> {
  for (const user of TEST_USERS) await admin.query(`DROP USER IF EXISTS ${quoteIdent(user)}@${quoteIdent(HOST)}`);
  await admin.query("DROP USER IF EXISTS hd_acc_evil@'%'");
}

beforeAll(async () => {
  tb = loadTestbed();
  admin = await mysql.createConnection({ host: tb.mariadb.host, port: tb.mariadb.port, user: tb.mariadb.adminUser, password: tb.mariadb.adminPassword, multipleStatements: true });
  await dropTestUsers();
  await admin.query(
    'DROP DATABASE IF EXISTS hd_acc; CREATE DATABASE hd_acc; CREATE TABLE hd_acc.a (id INT PRIMARY KEY); INSERT INTO hd_acc.a VALUES (1); CREATE TABLE hd_acc.b (id INT PRIMARY KEY); INSERT INTO hd_acc.b VALUES (2);' +
      'DROP DATABASE IF EXISTS hd_acc_canary; CREATE DATABASE hd_acc_canary; CREATE TABLE hd_acc_canary.t (id INT); INSERT INTO hd_acc_canary.t VALUES (42);' +
      "DROP USER IF EXISTS hd_acc_canary@localhost; CREATE USER hd_acc_canary@localhost IDENTIFIED BY 'canary-Pw-77';",
  );
  for (const name of HOSTILE_LITERAL_IDENTS) await admin.query(`CREATE TABLE hd_acc.${quoteIdent(name)} (id INT)`);
});
afterAll(async () => {
  await dropTestUsers();
  await admin.query('DROP DATABASE IF EXISTS hd_acc; DROP DATABASE IF EXISTS hd_acc_canary; DROP USER IF EXISTS hd_acc_canary@localhost');
  await admin.end();
});
afterEach(closeDbCores);

/** Logs in as the account through the testbed's socket (so as @localhost): the connection, or the error. */
async function login(user: string, password: string): Promise<mysql.Connection | Error> {
  try {
    return await mysql.createConnection({ socketPath: tb.mariadb.socket, user, password });
  } catch (error) {
    return error as Error;
  }
}

async function canLogIn(user: string, password: string): Promise<boolean> {
  const c = await login(user, password);
  if (c instanceof Error) return false;
  await c.end();
  return true;
}

/** Which of the tables the account can read, on a fresh connection. */
async function readable(user: string, password: string, tables: string[]): Promise<string[]> {
  const c = await login(user, password);
  if (c instanceof Error) throw c;
  try {
    const out: string[] = [];
    for (const t of tables) {
      const ok = await c.query(`SELECT * FROM ${t}`).then(() => true, (e: { code?: string }) => {
        if (!/DENIED/.test(e.code ?? '')) throw e;
        return false;
      });
      if (ok) out.push(t);
    }
    return out;
  } finally {
    await c.end();
  }
}

/** The server's record of the test accounts and their privileges (for "nothing changed"). */
async function accountsState(): Promise<string> {
  const [users] = await admin.query("SELECT User, Host, authentication_string FROM mysql.user WHERE User LIKE 'hd\\_acc\\_%' ORDER BY User, Host");
  const [dbs] = await admin.query("SELECT * FROM mysql.db WHERE User LIKE 'hd\\_acc\\_%' ORDER BY User, Db");
  const [tables] = await admin.query("SELECT User, Db, Table_name, Table_priv FROM mysql.tables_priv WHERE User LIKE 'hd\\_acc\\_%' ORDER BY User, Db, Table_name");
  return JSON.stringify([users, dbs, tables]);
}

async function canaryIntact(): Promise<void> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT id FROM hd_acc_canary.t');
  expect(rows.map((r) => r.id)).toEqual([42]);
  const [canary] = await admin.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM mysql.user WHERE User = 'hd_acc_canary'");
  expect(canary[0]!.n).toBe(1);
  const [evil] = await admin.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM mysql.user WHERE User = 'hd_acc_evil'");
  expect(evil[0]!.n).toBe(0);
}

const userExists = async (user: string, host = HOST) => {
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM mysql.user WHERE User = ? AND Host = ?', [user, host]);
  return rows[0]!.n === 1;
};

describe('MySQL accounts from the database browser', () => {
  it('creates, grants per table and database, revokes, changes the password and drops, each audited with the password masked', async () => {
    const t = await dbCore('db-accounts');
    const serverId = t.server.id;
    const first = 'hd-acc-First-Pw-8q2';
    registerSecret('MySQL account password (typed)', first);

    const create = { op: 'create', user: 'hd_acc_u', host: HOST, password: first };
    const preview = await t.call<{ statements: string[] }>('db.accountPreview', { serverId, change: create });
    expect(preview.statements).toEqual(["CREATE USER `hd_acc_u`@`localhost` IDENTIFIED BY '***'"]);
    expect(await userExists('hd_acc_u')).toBe(false); // a preview runs nothing
    const created = await t.call<Changed>('db.accountChange', { serverId, change: create });
    expect(created).toEqual({ statements: preview.statements, password: null });
    expect(await canLogIn('hd_acc_u', first)).toBe(true);
    expect(await readable('hd_acc_u', first, ['hd_acc.a', 'hd_acc.b'])).toEqual([]);

    // SELECT on one table: that table, not the other.
    const onA = { user: 'hd_acc_u', host: HOST, scope: { database: 'hd_acc', table: 'a' }, privileges: ['SELECT'] };
    expect((await t.call<{ statements: string[] }>('db.accountPreview', { serverId, change: { op: 'grant', ...onA } })).statements).toEqual(['GRANT SELECT ON `hd_acc`.`a` TO `hd_acc_u`@`localhost`']);
    await t.call('db.accountChange', { serverId, change: { op: 'grant', ...onA } });
    expect(await readable('hd_acc_u', first, ['hd_acc.a', 'hd_acc.b'])).toEqual(['hd_acc.a']);
    const listed = (await t.call<Users>('db.users', { serverId })).find((u) => u.user === 'hd_acc_u' && u.host === HOST);
    expect(listed?.privileges).toEqual([{ database: 'hd_acc', table: 'a', privileges: ['SELECT'] }]);
    expect(listed?.grants.join('\n')).toContain('GRANT SELECT ON `hd_acc`.`a` TO `hd_acc_u`@`localhost`');
    await t.call('db.accountChange', { serverId, change: { op: 'revoke', ...onA } });
    expect(await readable('hd_acc_u', first, ['hd_acc.a', 'hd_acc.b'])).toEqual([]);

    // The whole database (its name taken literally: hd\_acc), revoked by the grant as listed.
    await t.call('db.accountChange', { serverId, change: { op: 'grant', user: 'hd_acc_u', host: HOST, scope: { database: 'hd_acc' }, privileges: ['SELECT', 'INSERT'] } });
    expect(await readable('hd_acc_u', first, ['hd_acc.a', 'hd_acc.b'])).toEqual(['hd_acc.a', 'hd_acc.b']);
    const dbGrant = (await t.call<Users>('db.users', { serverId })).find((u) => u.user === 'hd_acc_u')!.privileges;
    expect(dbGrant).toEqual([{ database: 'hd\\_acc', table: null, privileges: ['SELECT', 'INSERT'] }]);
    await t.call('db.accountChange', { serverId, change: { op: 'revoke', user: 'hd_acc_u', host: HOST, scope: { database: dbGrant[0]!.database, pattern: true }, privileges: ['ALL PRIVILEGES'] } });
    expect(await readable('hd_acc_u', first, ['hd_acc.a', 'hd_acc.b'])).toEqual([]);

    // A generated password, returned once: the old one stops working.
    const changed = await t.call<Changed>('db.accountChange', { serverId, change: { op: 'password', user: 'hd_acc_u', host: HOST } });
    expect(changed.statements).toEqual(["ALTER USER `hd_acc_u`@`localhost` IDENTIFIED BY '***'"]);
    expect(changed.password).toMatch(/^.{20}$/);
    const second = changed.password!;
    registerSecret('MySQL account password (generated)', second);
    expect(await canLogIn('hd_acc_u', first)).toBe(false);
    expect(await canLogIn('hd_acc_u', second)).toBe(true);

    // Drop: only with the account typed.
    const wrong = await t.fail('db.dropAccount', { serverId, user: 'hd_acc_u', host: HOST, confirm: 'hd_acc_u' });
    expect(wrong.fields?.confirm).toBe('Type hd_acc_u@localhost to confirm the drop.');
    expect(await userExists('hd_acc_u')).toBe(true);
    expect((await t.call<{ statements: string[] }>('db.accountPreview', { serverId, change: { op: 'drop', user: 'hd_acc_u', host: HOST } })).statements).toEqual(['DROP USER `hd_acc_u`@`localhost`']);
    await t.call('db.dropAccount', { serverId, user: 'hd_acc_u', host: HOST, confirm: 'hd_acc_u@localhost' });
    expect(await userExists('hd_acc_u')).toBe(false);
    expect(await canLogIn('hd_acc_u', second)).toBe(false);

    // The audit log: every statement, in order, the passwords masked (and in no file).
    const audit = (await t.call<AuditEntry[]>('db.audit', { serverId, limit: 1000 })).reverse().filter((e) => e.statement.includes('hd_acc_u'));
    expect(audit.map((e) => [e.statement, e.outcome])).toEqual([
      ["CREATE USER `hd_acc_u`@`localhost` IDENTIFIED BY '***'", 'ok'],
      ['GRANT SELECT ON `hd_acc`.`a` TO `hd_acc_u`@`localhost`', 'ok'],
      ['REVOKE SELECT ON `hd_acc`.`a` FROM `hd_acc_u`@`localhost`', 'ok'],
      ['GRANT SELECT, INSERT ON `hd\\_acc`.* TO `hd_acc_u`@`localhost`', 'ok'],
      ['REVOKE ALL PRIVILEGES ON `hd\\_acc`.* FROM `hd_acc_u`@`localhost`', 'ok'],
      ["ALTER USER `hd_acc_u`@`localhost` IDENTIFIED BY '***'", 'ok'],
      ['DROP USER `hd_acc_u`@`localhost`', 'ok'],
    ]);
    const raw = readFileSync(path.join(t.dataDir, 'audit.jsonl'), 'utf8');
    expect(raw).not.toContain(first);
    expect(raw).not.toContain(second);
    await canaryIntact();
  }, 120_000);

  it('refuses hostile hosts, names, identifiers and privileges at the contract, and takes the others literally', async () => {
    const t = await dbCore('db-accounts-hostile');
    const serverId = t.server.id;
    let refused = 0;
    const expectRefused = async (method: string, input: unknown, label: string) => {
      const error = await t.fail(method, { serverId, ...(input as object) });
      expect(error.code, label).toBe('invalid-input');
      refused++;
    };
    for (const host of HOSTILE_HOSTS) {
      await expectRefused('db.accountChange', { change: { op: 'create', user: 'hd_acc_evil', host } }, `host ${JSON.stringify(host)}`);
      await expectRefused('db.dropAccount', { user: 'hd_acc_canary', host, confirm: `hd_acc_canary@${host}` }, `drop host ${JSON.stringify(host)}`);
    }
    for (const user of HOSTILE_REFUSED_NAMES) await expectRefused('db.accountChange', { change: { op: 'create', user, host: '%' } }, `user ${JSON.stringify(user.slice(0, 40))}`);
    for (const name of HOSTILE_REFUSED_IDENTS) {
      await expectRefused('db.accountChange', { change: { op: 'grant', user: 'hd_acc_canary', host: HOST, scope: { database: name }, privileges: ['SELECT'] } }, `database ${JSON.stringify(name)}`);
      await expectRefused('db.accountChange', { change: { op: 'grant', user: 'hd_acc_canary', host: HOST, scope: { database: 'hd_acc', table: name }, privileges: ['SELECT'] } }, `table ${JSON.stringify(name)}`);
    }
    for (const privileges of [['FILE'], ['SUPER'], ['SELECT; DROP USER hd_acc_canary@localhost'], ['SELECT ON *.* TO hd_acc_evil'], ['GRANT OPTION'], ['EXECUTE']]) {
      await expectRefused('db.accountChange', { change: { op: 'grant', user: 'hd_acc_canary', host: HOST, scope: { database: 'hd_acc', table: 'a' }, privileges } }, privileges.join());
    }
    // The server's own limit on user names: MariaDB's 80 here (its column holds 128).
    await expectRefused('db.accountChange', { change: { op: 'create', user: 'u'.repeat(81), host: HOST } }, '81 characters');
    expect(refused).toBeGreaterThan(30);

    // Taken literally: each name is an account exactly as typed, logs in, is granted on the
    // table it names literally, and goes with its typed confirmation.
    for (const user of HOSTILE_LITERAL_NAMES) {
      const { password } = await t.call<Changed>('db.accountChange', { serverId, change: { op: 'create', user, host: HOST } });
      registerSecret('MySQL account password (generated, hostile name)', password!);
      expect(await userExists(user), user).toBe(true);
      expect(await canLogIn(user, password!), user).toBe(true);
      await t.call('db.accountChange', { serverId, change: { op: 'grant', user, host: HOST, scope: { database: 'hd_acc', table: 'a' }, privileges: ['SELECT'] } });
      expect(await readable(user, password!, ['hd_acc.a', 'hd_acc.b']), user).toEqual(['hd_acc.a']);
      const listed = (await t.call<Users>('db.users', { serverId })).find((u) => u.user === user && u.host === HOST);
      expect(listed?.privileges, user).toEqual([{ database: 'hd_acc', table: 'a', privileges: ['SELECT'] }]);
      expect(listed?.grants.join('\n'), user).toContain('GRANT SELECT ON `hd_acc`.`a` TO ');
      await t.call('db.dropAccount', { serverId, user, host: HOST, confirm: `${user}@${HOST}` });
      expect(await userExists(user), user).toBe(false);
    }
    // Passwords: each logs in as typed.
    await t.call('db.accountChange', { serverId, change: { op: 'create', user: 'hd_acc_pw', host: HOST, password: HOSTILE_PASSWORDS[0] } });
    for (const password of HOSTILE_PASSWORDS) {
      registerSecret('MySQL account password (hostile)', password);
      await t.call('db.accountChange', { serverId, change: { op: 'password', user: 'hd_acc_pw', host: HOST, password } });
      expect(await canLogIn('hd_acc_pw', password), password).toBe(true);
    }
    // Identifiers: a database grant names exactly that database, a table grant that table.
    for (const name of HOSTILE_LITERAL_IDENTS) {
      await t.call('db.accountChange', { serverId, change: { op: 'grant', user: 'hd_acc_pw', host: HOST, scope: { database: name }, privileges: ['SELECT'] } });
      await t.call('db.accountChange', { serverId, change: { op: 'grant', user: 'hd_acc_pw', host: HOST, scope: { database: 'hd_acc', table: name }, privileges: ['SELECT', 'INSERT'] } });
    }
    const [dbs] = await admin.query<mysql.RowDataPacket[]>("SELECT Db FROM mysql.db WHERE User = 'hd_acc_pw' ORDER BY Db");
    expect(dbs.map((r) => r.Db).sort()).toEqual(HOSTILE_LITERAL_IDENTS.map(literalPattern).sort());
    const [tables] = await admin.query<mysql.RowDataPacket[]>("SELECT Db, Table_name, Table_priv FROM mysql.tables_priv WHERE User = 'hd_acc_pw'");
    expect(tables.map((r) => r.Table_name).sort()).toEqual([...HOSTILE_LITERAL_IDENTS].sort());
    expect(new Set(tables.map((r) => `${r.Db} ${r.Table_priv}`))).toEqual(new Set(['hd_acc Select,Insert']));
    await t.call('db.dropAccount', { serverId, user: 'hd_acc_pw', host: HOST, confirm: `hd_acc_pw@${HOST}` });

    await canaryIntact();
    const raw = readFileSync(path.join(t.dataDir, 'audit.jsonl'), 'utf8');
    for (const password of HOSTILE_PASSWORDS) expect(raw).not.toContain(password);
  }, 180_000);

  it("escapes the password for the session's sql_mode: NO_BACKSLASH_ESCAPES takes backslashes literally", async () => {
    const t = await dbCore('db-accounts-nbe');
    const serverId = t.server.id;
    await t.call('db.databases', { serverId }); // opens the pool
    // Every connection the pool may hand out (its limit is 4) in that mode.
    const held = await Promise.all([0, 1, 2, 3].map(() => t.core.db.connection(serverId)));
    for (const c of held) await c.query("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')");
    for (const c of held) c.release();
    const passwords = ["nbe\\'; DROP USER hd_acc_canary@localhost; #", 'nbe-ends\\', "nbe''\\\\x"];
    await t.call('db.accountChange', { serverId, change: { op: 'create', user: 'hd_acc_pw', host: HOST, password: passwords[0] } });
    for (const password of passwords) {
      registerSecret('MySQL account password (NO_BACKSLASH_ESCAPES)', password);
      await t.call('db.accountChange', { serverId, change: { op: 'password', user: 'hd_acc_pw', host: HOST, password } });
      expect(await canLogIn('hd_acc_pw', password), password).toBe(true);
    }
    await t.call('db.dropAccount', { serverId, user: 'hd_acc_pw', host: HOST, confirm: `hd_acc_pw@${HOST}` });
    await canaryIntact();
  }, 60_000);

  for (const mode of ['support mode', "the server's read-only setting"] as const) {
    it(`refuses every change in ${mode}, with nothing changed and each refusal audited`, async () => {
      const password = 'hd-acc-Support-Pw-3k';
      registerSecret('MySQL account password (support mode test)', password);
      await admin.query(`CREATE USER hd_acc_sm@localhost IDENTIFIED BY '${password}'; GRANT SELECT ON hd_acc.a TO hd_acc_sm@localhost`);
      try {
        const t = await dbCore(mode === 'support mode' ? 'db-accounts-support' : 'db-accounts-readonly', 'login', mode !== 'support mode');
        if (mode === 'support mode') await t.call('settings.update', { supportMode: true });
        const serverId = t.server.id;
        const before = await accountsState();
        const account = { user: 'hd_acc_sm', host: HOST };
        const changes = [
          { op: 'create', user: 'hd_acc_evil', host: HOST, password: 'hd-acc-Evil-Pw-1' },
          { op: 'password', ...account, password: 'hd-acc-Other-Pw-2' },
          { op: 'password', ...account },
          { op: 'grant', ...account, scope: { database: 'hd_acc' }, privileges: ['ALL PRIVILEGES'], grantOption: true },
          { op: 'revoke', ...account, scope: { database: 'hd_acc', table: 'a' }, privileges: ['SELECT'] },
        ];
        registerSecret('MySQL account password (refused)', 'hd-acc-Evil-Pw-1');
        registerSecret('MySQL account password (refused)', 'hd-acc-Other-Pw-2');
        for (const change of changes) {
          const error = await t.fail('db.accountChange', { serverId, change });
          expect(error.message, change.op).toMatch(/read-only/);
        }
        expect((await t.fail('db.dropAccount', { serverId, ...account, confirm: 'hd_acc_sm@localhost' })).message).toMatch(/read-only/);
        // A preview runs nothing and stays available.
        expect((await t.call<{ statements: string[] }>('db.accountPreview', { serverId, change: { op: 'drop', ...account } })).statements).toEqual(['DROP USER `hd_acc_sm`@`localhost`']);
        expect(await accountsState()).toBe(before);
        expect(await readable('hd_acc_sm', password, ['hd_acc.a', 'hd_acc.b'])).toEqual(['hd_acc.a']);
        const refusedAudit = (await t.call<AuditEntry[]>('db.audit', { serverId, limit: 100 })).filter((e) => e.outcome === 'refused');
        expect(refusedAudit.map((e) => e.statement).reverse()).toEqual([
          "CREATE USER `hd_acc_evil`@`localhost` IDENTIFIED BY '***'",
          "ALTER USER `hd_acc_sm`@`localhost` IDENTIFIED BY '***'",
          "ALTER USER `hd_acc_sm`@`localhost` IDENTIFIED BY '***'",
          'GRANT ALL PRIVILEGES ON `hd\\_acc`.* TO `hd_acc_sm`@`localhost` WITH GRANT OPTION',
          'REVOKE SELECT ON `hd_acc`.`a` FROM `hd_acc_sm`@`localhost`',
          'DROP USER `hd_acc_sm`@`localhost`',
        ]);
        // Nothing but internal reads reached the server: no account statement ran.
        expect((await t.call<AuditEntry[]>('db.audit', { serverId, limit: 100 })).filter((e) => e.outcome !== 'refused')).toEqual([]);
        const raw = readFileSync(path.join(t.dataDir, 'audit.jsonl'), 'utf8');
        expect(raw).not.toContain('hd-acc-Evil-Pw-1');
        expect(raw).not.toContain('hd-acc-Other-Pw-2');
      } finally {
        await admin.query('DROP USER IF EXISTS hd_acc_sm@localhost');
      }
    }, 60_000);
  }
});
