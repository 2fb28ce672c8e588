// Every renderer file is converted (its visible English goes through t()) unless it is on the
// exceptions list, which only shrinks: a listed file that already passes must leave the list.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOT_CONVERTED } from '../../src-renderer/i18n/not-converted';
import { RENDERER, convertedFiles, untranslated } from './i18n-scan';

describe('untranslated text', () => {
  it('converted files show no English that bypasses t()', () => {
    expect(convertedFiles().flatMap((f) => untranslated(f))).toEqual([]);
  });

  it('the exceptions list names existing files that still need converting', () => {
    expect(NOT_CONVERTED.filter((f) => !existsSync(path.join(RENDERER, f)))).toEqual([]);
    expect(NOT_CONVERTED.filter((f) => untranslated(f).length === 0)).toEqual([]);
  });

  it('the scanner sees text, rendered literals and visible attributes', () => {
    const sample = `const A = () => <p title="Title">Plain text {ok ? 'Yes' : 'No'} {t('Fine')} {n > 1 && 'Shown'} {f('Argument')} {'—'}</p>;`;
    const found = untranslated('sample.tsx', sample);
    expect(found.map((f) => f.replace(/^[^:]+:\d+: /, ''))).toEqual(['"Title"', '"Plain text"', '"Yes"', '"No"', '"Shown"']);
  });
});
