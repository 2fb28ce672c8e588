// Faithful cells: NULL is a grey "NULL", '' is visibly empty, line breaks, tabs and NULs show as
// glyphs, binary is 0x… with its size (a geometry its WKT first), long text is cut with its length
// (the full value through db.cell), numbers stay as the server sent them.
import type { Cell } from '../../shared/api/db';
import { formatBytes as formatSize, formatNumber } from '../i18n/format';
import { i18n } from '../i18n';

/** A size in the UI's language; nothing for an unknown one. */
export function formatBytes(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : formatSize(n);
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : formatNumber(n);
}

/** Whether the cell shown is only a part of the value (full view needs db.cell). */
export function isPartial(c: Cell): boolean {
  return typeof c === 'object' && c !== null && (c.kind === 'text' || (c.kind === 'binary' && c.truncated));
}

/** The value as a string for editing and display in full (null stays null). */
export function cellText(c: Cell): string | null {
  if (c === null) return null;
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return String(c);
  if (c.kind === 'text') return c.preview;
  return `0x${c.hex}`;
}

const PREVIEW_CHARS = 200;

/** The glyph shown for each invisible character a cell can hold, and what it stands for. */
export const WHITESPACE_GLYPHS: Record<string, [glyph: string, name: string]> = {
  '\n': ['↵', 'line break (LF)'],
  '\r': ['⇤', 'carriage return (CR)'],
  '\t': ['→', 'tab'],
  '\0': ['∅', 'NUL character'],
};

/**
 * Text with its line breaks, tabs and NULs made visible. The glyph is CSS content (data-ws), not
 * text: the character itself stays in the DOM (drawn at size 0), so textContent and a copy keep
 * the value as it is.
 */
export function VisibleText({ text }: { text: string }) {
  const parts = text.split(/([\n\r\t\0])/);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 ? (
          <span key={i} className="ws" data-ws={WHITESPACE_GLYPHS[p]![0]} title={WHITESPACE_GLYPHS[p]![1]}>
            {p}
          </span>
        ) : (
          p
        ),
      )}
    </>
  );
}

export function CellView({ value, onOpenFull }: { value: Cell; onOpenFull?: () => void }) {
  if (value === null) return <span className="cell-null">NULL</span>;
  if (value === '') return <span className="cell-empty" title={i18n.t('Empty string')} />;
  if (typeof value === 'number') return <span className="cell-num">{value}</span>;
  if (typeof value === 'string') {
    if (value.length > PREVIEW_CHARS) return <PartialText text={value.slice(0, PREVIEW_CHARS)} length={value.length} onOpenFull={onOpenFull} />;
    return (
      <span className="cell-str">
        <VisibleText text={value} />
      </span>
    );
  }
  if (value.kind === 'text') return <PartialText text={value.preview} length={value.length} onOpenFull={onOpenFull} />;
  const shown = value.hex.slice(0, 32);
  const cut = value.truncated || value.hex.length > 32;
  if (value.wkt !== undefined)
    return (
      <span className="cell-geo" title={`${value.wkt}\n${i18n.t('{{n}} bytes', { n: value.size })}: 0x${shown}${cut ? '…' : ''}`}>
        <span className="cell-wkt">{value.wkt}</span> <span className="cell-size">0x{value.hex.slice(0, 16)}… {formatBytes(value.size)}</span>
      </span>
    );
  return (
    <span className="cell-bin" title={i18n.t('{{n}} bytes of binary', { n: value.size })}>
      0x{shown}
      {cut ? '…' : ''} <span className="cell-size">{formatBytes(value.size)}</span>
    </span>
  );
}

function PartialText({ text, length, onOpenFull }: { text: string; length: number; onOpenFull?: (() => void) | undefined }) {
  return (
    <span className="cell-partial">
      <span className="cell-text">
        <VisibleText text={text} />
      </span>
      <button
        type="button"
        className="cell-more"
        title={i18n.t('Show the full value ({{n}} characters)', { n: formatNumber(length) })}
        onClick={(e) => {
          e.stopPropagation();
          onOpenFull?.();
        }}
      >
        … {i18n.t('{{n}} ch', { n: formatNumber(length) })}
      </button>
    </span>
  );
}

/** Pretty JSON when the text is JSON (objects and arrays), else the text as is. */
export function prettyIfJson(text: string): { text: string; json: boolean } {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return { text, json: false };
  try {
    return { text: JSON.stringify(JSON.parse(t), null, 2), json: true };
  } catch {
    return { text, json: false };
  }
}
