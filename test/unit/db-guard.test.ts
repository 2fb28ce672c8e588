// The read-only guard: every write attempt is refused before anything is sent; reads pass.
import { describe, expect, it } from 'vitest';
import { redact } from '../../src-main/core/db/audit';
import { checkReadOnly, statements } from '../../src-main/core/db/guard';
import { READ_STATEMENTS, WRITE_ATTEMPTS } from '../helpers/db-writes';

describe('read-only guard', () => {
  it('has a list of at least 40 write attempts', () => {
    expect(WRITE_ATTEMPTS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(WRITE_ATTEMPTS)('refuses %j', (sql) => {
    const verdict = checkReadOnly(sql);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(/read-only|no statement|one statement|NUL/);
  });

  it.each(READ_STATEMENTS)('lets %j through', (sql) => {
    expect(checkReadOnly(sql)).toEqual({ ok: true });
  });

  it('refuses empty input and comment-only input', () => {
    expect(checkReadOnly('').ok).toBe(false);
    expect(checkReadOnly('  -- nothing\n/* at all */').ok).toBe(false);
    expect(checkReadOnly('SELECT 1\u0000; DROP TABLE x').ok).toBe(false);
  });

  it('keeps semicolons inside literals and comments', () => {
    expect(statements("SELECT ';' ; SELECT `a;b`")).toHaveLength(2);
    expect(statements("SELECT 'a;b' /* ; */ -- ;\n")).toHaveLength(1);
  });

  it('says why', () => {
    expect(checkReadOnly('SELECT 1 INTO OUTFILE "/tmp/x"')).toMatchObject({ ok: false, reason: expect.stringMatching(/writes a file/) });
    expect(checkReadOnly('SELECT 1; SELECT 2')).toMatchObject({ ok: false, reason: expect.stringMatching(/one statement/) });
    expect(checkReadOnly('DROP TABLE x')).toMatchObject({ ok: false, reason: expect.stringMatching(/^DROP statements/) });
  });

  it('refuses full-width and other look-alike keywords, naming what the statement starts with', () => {
    const fullWidth = checkReadOnly('ＤＥＬＥＴＥ FROM t');
    expect(fullWidth).toEqual({
      ok: false,
      reason: 'This statement starts with “ＤＥＬＥＴＥ” (look-alike letters for DELETE), not with a read (SELECT, SHOW, DESCRIBE, DESC, EXPLAIN, HELP, WITH, VALUES, TABLE, CHECKSUM, USE); this session is read-only.',
      // The same sentence as a template and its values, for the UI's language.
      said: {
        key: 'This statement starts with “{{word}}” (look-alike letters for {{plain}}), not with a read ({{reads}}); this session is read-only.',
        params: { word: 'ＤＥＬＥＴＥ', plain: 'DELETE', reads: 'SELECT, SHOW, DESCRIBE, DESC, EXPLAIN, HELP, WITH, VALUES, TABLE, CHECKSUM, USE' },
      },
    });
    expect(checkReadOnly('ＳＥＬＥＣＴ 1')).toMatchObject({ ok: false, reason: expect.stringContaining('look-alike letters for SELECT') });
    expect(checkReadOnly('DELＥTE FROM t')).toMatchObject({ ok: false, reason: expect.stringContaining('“DELＥTE” (look-alike letters for DELETE)') });
    expect(checkReadOnly('@x := 1')).toMatchObject({ ok: false, reason: expect.stringMatching(/^This statement starts with “@x”, not with a read/) });
    expect(checkReadOnly("'x'")).toMatchObject({ ok: false, reason: expect.stringMatching(/^This statement does not start with a keyword/) });
    expect(checkReadOnly('delete from t')).toMatchObject({ ok: false, reason: expect.stringMatching(/^DELETE statements can change data/) });
    for (const sql of ['ＤＥＬＥＴＥ FROM t', 'DELＥTE FROM t', "'x'", '1']) {
      const verdict = checkReadOnly(sql);
      expect(verdict.ok ? '' : verdict.reason, sql).not.toMatch(/This statements/);
    }
  });
});

describe('audit redaction', () => {
  it.each([
    "CREATE USER 'u'@'%' IDENTIFIED BY 'hunter2secret'",
    "ALTER USER u IDENTIFIED BY \"hunter2secret\"",
    "CREATE USER u IDENTIFIED BY PASSWORD '*hunter2secret'",
    "CREATE USER u IDENTIFIED WITH mysql_native_password AS 'hunter2secret'",
    "CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD('hunter2secret')",
    "CREATE USER u IDENTIFIED VIA mysql_native_password USING 'hunter2secret'",
    "SET PASSWORD = PASSWORD('hunter2secret')",
    "SET PASSWORD FOR 'u'@'h' = 'hunter2secret'",
    "GRANT ALL ON *.* TO u IDENTIFIED BY 'hunter2 \\' secret'",
    "CHANGE MASTER TO MASTER_PASSWORD = 'hunter2secret'",
    "SELECT AES_ENCRYPT('data', 'hunter2secret')",
  ])('masks the password in %j', (sql) => {
    expect(redact(sql)).not.toMatch(/hunter2|secret/);
    expect(redact(sql)).toContain('***');
  });
});
