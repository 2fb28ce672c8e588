// Every renderer file is converted: its visible English goes through t().
import { describe, expect, it } from 'vitest';
import { convertedFiles, untranslated } from './i18n-scan';

describe('untranslated text', () => {
  it('no renderer file shows English that bypasses t()', () => {
    expect(convertedFiles().flatMap((f) => untranslated(f))).toEqual([]);
  });

  it('the scanner sees text, rendered literals and visible attributes', () => {
    const sample = `const A = () => <p title="Title">Plain text {ok ? 'Yes' : 'No'} {t('Fine')} {n > 1 && 'Shown'} {f('Argument')} {'—'}</p>;`;
    const found = untranslated('sample.tsx', sample);
    expect(found.map((f) => f.replace(/^[^:]+:\d+: /, ''))).toEqual(['"Title"', '"Plain text"', '"Yes"', '"No"', '"Shown"']);
  });
});
