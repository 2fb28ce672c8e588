// Cells between mysql2 and the UI: NULL vs '', binary as hex with size, long text cut without
// splitting a surrogate pair, exact big numbers, and the way back refusing previews.
import { describe, expect, it } from 'vitest';
import { checkWhere } from '../../src-main/core/db/browse';
import { cutText, decodeCell, encodeCell, selectExpr } from '../../src-main/core/db/cells';

describe('encodeCell', () => {
  it('keeps NULL apart from the empty string', () => {
    expect(encodeCell(null, 'text')).toBeNull();
    expect(encodeCell(undefined, 'text')).toBeNull();
    expect(encodeCell('', 'text')).toBe('');
    expect(encodeCell('NULL', 'text')).toBe('NULL');
  });

  it('shows binary as hex with its size, the first 64 bytes only', () => {
    expect(encodeCell(Buffer.from([0, 1, 0, 0xff]), 'varbinary(8)')).toEqual({ kind: 'binary', hex: '000100ff', size: 4, truncated: false });
    expect(encodeCell(Buffer.alloc(0), 'blob')).toEqual({ kind: 'binary', hex: '', size: 0, truncated: false });
    const big = encodeCell(Buffer.alloc(1000, 0xab), 'blob');
    expect(big).toEqual({ kind: 'binary', hex: 'ab'.repeat(64), size: 1000, truncated: true });
    expect(encodeCell(Buffer.alloc(1000, 0xab), 'blob', { full: true })).toMatchObject({ hex: 'ab'.repeat(1000), truncated: false });
  });

  it('cuts long text at 2000 UTF-16 units without splitting an emoji, with the length in characters', () => {
    const text = `${'a'.repeat(1999)}🚀${'b'.repeat(10)}`;
    const cell = encodeCell(text, 'longtext') as { kind: string; preview: string; length: number };
    expect(cell.kind).toBe('text');
    expect(cell.preview).toBe('a'.repeat(1999));
    expect(cell.length).toBe(1999 + 1 + 10);
    expect(encodeCell('🚀'.repeat(1000), 'longtext')).toBe('🚀'.repeat(1000));
    expect(encodeCell('x'.repeat(2001), 'text', { full: true })).toBe('x'.repeat(2001));
    expect(cutText('ab🚀', 3)).toBe('ab');
    expect(cutText('Grüße 👨‍👩‍👧', 100)).toBe('Grüße 👨‍👩‍👧');
  });

  it('keeps numbers only when JSON keeps them exact', () => {
    expect(encodeCell(42, 'int(11)')).toBe(42);
    expect(encodeCell(0.1, 'double')).toBe(0.1);
    expect(encodeCell('9223372036854775807', 'bigint(20)')).toBe('9223372036854775807');
    expect(encodeCell('99999999999999.999999', 'decimal(20,6)')).toBe('99999999999999.999999');
    expect(encodeCell(2 ** 53 + 2, 'bigint(20) unsigned')).toBe('9007199254740994');
    expect(encodeCell(Number.POSITIVE_INFINITY, 'double')).toBe('Infinity');
    expect(encodeCell(2n ** 64n - 1n, 'bigint(20) unsigned')).toBe('18446744073709551615');
  });

  it('keeps dates and JSON as the server wrote them', () => {
    expect(encodeCell('0000-00-00', 'date')).toBe('0000-00-00');
    expect(encodeCell('-838:59:59', 'time')).toBe('-838:59:59');
    expect(encodeCell({ a: 1 }, 'json')).toBe('{"a":1}');
  });

  it('selects geometry as bytes and long text (JSON) as text, names escaped as one identifier', () => {
    expect(selectExpr({ name: 'g', type: 'point' })).toBe('CAST(`g` AS BINARY)');
    expect(selectExpr({ name: 'j', type: 'longtext' })).toBe('CAST(`j` AS CHAR)');
    expect(selectExpr({ name: 'a.b`c', type: 'int(11)' })).toBe('`a.b``c`');
  });
});

describe('decodeCell', () => {
  it('turns cells into parameters', () => {
    expect(decodeCell(null, 'x')).toBeNull();
    expect(decodeCell('', 'x')).toBe('');
    expect(decodeCell(5, 'x')).toBe(5);
    expect(decodeCell({ kind: 'binary', hex: '00ff', size: 2, truncated: false }, 'x')).toEqual(Buffer.from([0, 255]));
  });

  it('refuses previews and bad hex with the value named', () => {
    expect(() => decodeCell({ kind: 'binary', hex: 'ab', size: 100, truncated: true }, 'key id')).toThrow(/key id is only a preview of 100 bytes/);
    expect(() => decodeCell({ kind: 'text', preview: 'abc', length: 5000 }, 'note')).toThrow(/note is only a preview of 5000 characters/);
    expect(() => decodeCell({ kind: 'binary', hex: 'zz', size: 1, truncated: false }, 'b')).toThrow(/not valid hex/);
  });
});

describe('checkWhere', () => {
  it('accepts one condition, semicolons inside literals included', () => {
    expect(checkWhere("note = 'a;b' AND (id > 3)")).toBe("note = 'a;b' AND (id > 3)");
    expect(checkWhere('id > 3 -- a comment')).toBe('id > 3 -- a comment');
  });
  it('refuses a second statement, unbalanced parentheses and open literals', () => {
    expect(() => checkWhere('1=1; DROP TABLE x')).toThrow(/";"/);
    expect(() => checkWhere('1=1) UNION (SELECT 1')).toThrow(/parentheses/);
    expect(() => checkWhere("note = 'open")).toThrow(/unterminated/);
    expect(() => checkWhere('id = 1 /* open')).toThrow(/unterminated/);
  });
});
