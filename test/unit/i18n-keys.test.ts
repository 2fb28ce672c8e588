// ru.json covers every key the renderer and the core's marked messages use (plural keys in
// Russian's one/few/many forms, English plural keys in en.json's one/other), and holds no key
// nobody uses.
import { describe, expect, it } from 'vitest';
import en from '../../src-renderer/i18n/en.json';
import ru from '../../src-renderer/i18n/ru.json';
import { convertedFiles, keyFiles, keysUsed } from './i18n-scan';

const RU_PLURAL = ['one', 'few', 'many'];
const EN_PLURAL = ['one', 'other'];

describe('translation keys', () => {
  // Keys are used by the renderer's files and by the core's messages marked with msg().
  const uses = keyFiles().flatMap(keysUsed);
  const required = (forms: string[]) => new Set(uses.flatMap((u) => (u.plural ? forms.map((f) => `${u.key}_${f}`) : [u.key])));

  it('the converted files use keys', () => {
    expect(convertedFiles().flatMap(keysUsed).length).toBeGreaterThan(50);
  });

  it('ru.json translates every key used', () => {
    const missing = [...required(RU_PLURAL)].filter((k) => !(k in ru));
    expect(missing, `add to src-renderer/i18n/ru.json; used at ${missing.map((k) => uses.find((u) => k.startsWith(u.key))?.where).join(', ')}`).toEqual([]);
  });

  it('ru.json holds no unused key and no empty translation', () => {
    const needed = required(RU_PLURAL);
    const other = new Set(uses.filter((u) => u.plural).map((u) => `${u.key}_other`));
    expect(Object.keys(ru).filter((k) => !needed.has(k) && !other.has(k))).toEqual([]);
    expect(Object.entries(ru).filter(([, v]) => !String(v).trim())).toEqual([]);
  });

  it('en.json has the English plural forms of every counted key, and nothing else', () => {
    const needed = new Set(uses.filter((u) => u.plural).flatMap((u) => EN_PLURAL.map((f) => `${u.key}_${f}`)));
    expect([...needed].filter((k) => !(k in en))).toEqual([]);
    expect(Object.keys(en).filter((k) => !needed.has(k))).toEqual([]);
  });

  it('keeps interpolated names the same in Russian', () => {
    const names = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
    const wrong = Object.entries(ru).filter(([k, v]) => names(k.replace(/_(one|few|many|other)$/, '')).join() !== names(String(v)).join());
    expect(wrong).toEqual([]);
  });
});
