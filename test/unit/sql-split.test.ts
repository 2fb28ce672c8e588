// The SQL editor's splitter: statements as the user wrote them, split on semicolons outside
// quotes, backticks and comments.
import { describe, expect, it } from 'vitest';
import { statements } from '../../src-main/core/db/guard';
import { splitSql } from '../../src-main/core/db/split';

const splitStatements = (sql: string) => splitSql(sql).map((s) => s.text);

describe('splitStatements', () => {
  it('splits on semicolons and keeps the original text', () => {
    expect(splitStatements('SET @a=1; SELECT @a;\n\n  select  1 ')).toEqual(['SET @a=1', 'SELECT @a', 'select  1']);
  });

  it('ignores semicolons inside quotes, backticks and comments', () => {
    const sql = `SELECT 'a;b', "c;\\"d", \`e;f\` -- g;h
FROM t /* i;j */ WHERE x = 'it''s;'; # k;l
SELECT 2`;
    expect(splitStatements(sql)).toEqual([
      `SELECT 'a;b', "c;\\"d", \`e;f\` -- g;h\nFROM t /* i;j */ WHERE x = 'it''s;'`,
      'SELECT 2', // a leading comment is not part of the statement (its line number is the code's)
    ]);
  });

  it('drops pieces that are only blanks or comments, keeps executable comments', () => {
    expect(splitStatements(';;  -- nothing\n; /* none */ ;')).toEqual([]);
    expect(splitStatements('/*!40101 SET NAMES utf8 */; SELECT 1')).toEqual(['/*!40101 SET NAMES utf8 */', 'SELECT 1']);
  });

  it('treats --x as an operator, not a comment, and survives unterminated literals', () => {
    expect(splitStatements('SELECT 1--1; SELECT 2')).toEqual(['SELECT 1--1', 'SELECT 2']);
    expect(splitStatements("SELECT 'open; SELECT 2")).toEqual(["SELECT 'open; SELECT 2"]);
  });

  it('ends statements where the read-only guard does (one lexer for both)', () => {
    const tricky = [
      "SELECT 'a\\';' ; SELECT 2",
      'SELECT "x;\\"y"; SELECT `a``;b`',
      'SELECT 1 /*!50000 ; */; SELECT 2',
      'SELECT 1 /*M!100100 a */ -- c;\n; SELECT 3 # d;',
      "SELECT 1--1; SELECT '--'; /* unterminated ;",
      "SELECT 'it''s;' ; # x\nSELECT 2;",
    ];
    for (const sql of tricky) expect(splitSql(sql).length, sql).toBe(statements(sql).length);
  });
});
