// Cells make line breaks, tabs and NULs visible as glyphs without changing the text: the glyph is
// CSS content (data-ws), the character itself stays in the DOM for textContent and copies. The
// cell editor picks the multi-line editor and keeps line endings exactly.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CellView, VisibleText } from '../../src-renderer/db/cells';
import { edited, lineEndings, wantsMultiline } from '../../src-renderer/db/cell-text';

const html = (text: string) => renderToStaticMarkup(createElement(VisibleText, { text }));
/** What the DOM's textContent would be: the markup without its tags and with entities read. */
const textOf = (markup: string) => markup.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');

describe('visible whitespace in cells', () => {
  it('wraps each line break, tab, CR and NUL in a glyph span, keeping the character', () => {
    expect(html('a\nb\tc')).toBe('a<span class="ws" data-ws="↵" title="line break (LF)">\n</span>b<span class="ws" data-ws="→" title="tab">\t</span>c');
    expect(html('line 1\r\nline 2\rline 3\n')).toBe('line 1<span class="ws" data-ws="⇤" title="carriage return (CR)">\r</span><span class="ws" data-ws="↵" title="line break (LF)">\n</span>line 2<span class="ws" data-ws="⇤" title="carriage return (CR)">\r</span>line 3<span class="ws" data-ws="↵" title="line break (LF)">\n</span>');
    expect(html('NUL\0end')).toContain('<span class="ws" data-ws="∅" title="NUL character">\0</span>');
    expect(html('plain text, no glyphs')).toBe('plain text, no glyphs');
  });

  it('keeps the value exact in the text (textContent), hostile text escaped', () => {
    for (const v of ['a\nb\tc', '\n\n', '\t', 'line 1\r\nline 2\rline 3\n', '<script>alert(1)</script>\n"q" & \'s\'', 'emoji 🚀\n👨‍👩‍👧']) expect(textOf(html(v))).toBe(v);
    expect(html('<b>\n</b>')).not.toContain('<b>');
  });

  it('is what string cells and cut text previews show', () => {
    expect(renderToStaticMarkup(createElement(CellView, { value: 'x\ny' }))).toBe('<span class="cell-str">x<span class="ws" data-ws="↵" title="line break (LF)">\n</span>y</span>');
    const partial = renderToStaticMarkup(createElement(CellView, { value: { kind: 'text', preview: 'a\tb', length: 5000 } }));
    expect(partial).toContain('<span class="cell-text">a<span class="ws" data-ws="→" title="tab">\t</span>b</span>');
    expect(renderToStaticMarkup(createElement(CellView, { value: '' }))).toContain('cell-empty');
  });

  it('shows a geometry as its WKT beside the start of its hex', () => {
    const markup = renderToStaticMarkup(createElement(CellView, { value: { kind: 'binary', hex: '00000000010100000000000000000000000000000000000000', size: 25, truncated: false, wkt: 'POINT(0 0)' } }));
    expect(markup).toContain('<span class="cell-wkt">POINT(0 0)</span>');
    expect(textOf(markup)).toBe('POINT(0 0) 0x0000000001010000… 25 B');
  });
});

describe('the cell editor', () => {
  const col = (type: string) => ({ name: 'c', type, nullable: true, key: '' as const, default: null, extra: '' });

  it('opens TEXT and JSON, values with line breaks and long VARCHARs in the multi-line editor', () => {
    expect(wantsMultiline(col('text'), 'short')).toBe(true);
    expect(wantsMultiline(col('mediumtext'), '')).toBe(true);
    expect(wantsMultiline(col('longtext'), '')).toBe(true);
    expect(wantsMultiline(col('json'), '{}')).toBe(true);
    expect(wantsMultiline(col('varchar(255)'), 'short')).toBe(false);
    expect(wantsMultiline(col('varchar(255)'), 'x'.repeat(61))).toBe(true);
    expect(wantsMultiline(col('varchar(16)'), 'a\rb')).toBe(true);
    expect(wantsMultiline(col('int(11)'), '12')).toBe(false);
    expect(wantsMultiline(col('datetime'), '2024-06-15 13:45:30')).toBe(false);
  });

  it('keeps line endings exactly: CRLF edited as LF and written back as CRLF, mixed ones named', () => {
    expect(lineEndings('a\nb')).toBe('lf');
    expect(lineEndings('a\r\nb\r\n')).toBe('crlf');
    expect(lineEndings('line 1\r\nline 2\rline 3\n')).toBe('mixed');
    expect(edited({ value: 'a\nb\n', eol: 'crlf' })).toBe('a\r\nb\r\n');
    expect(edited({ value: 'a\n\tb', eol: 'lf' })).toBe('a\n\tb');
  });
});
