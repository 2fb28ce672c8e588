// The renderer's output pacer: a shown terminal gets its output at once; a hidden one in slices
// that wait for the previous one to be parsed, with pauses between them; every character is
// acknowledged once parsed, none is lost or split from its surrogate pair.
import { describe, expect, it } from 'vitest';
import { cutAt, OutputPacer } from '../../src-renderer/terminal/pacer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake xterm.js: records writes, parses them when told to (or at once with `auto`). */
function sink(shown: boolean, auto = false) {
  const s = {
    shown,
    written: [] as string[],
    waiting: [] as (() => void)[],
    acked: 0,
    write(data: string, done: () => void) {
      s.written.push(data);
      if (auto) setTimeout(done, 1);
      else s.waiting.push(done);
    },
    parseAll() {
      for (const done of s.waiting.splice(0)) done();
    },
  };
  return { s, pacer: new OutputPacer({ write: (d, done) => s.write(d, done), shown: () => s.shown, ack: (n) => (s.acked += n) }) };
}

describe('OutputPacer', () => {
  it('hands a shown terminal its output as it comes, in pieces, and acks it once parsed', () => {
    const { s, pacer } = sink(true);
    pacer.push('a'.repeat(100_000));
    pacer.push('b');
    expect(s.written.join('')).toBe(`${'a'.repeat(100_000)}b`);
    for (const w of s.written) expect(w.length).toBeLessThanOrEqual(8 * 1024);
    expect(s.acked).toBe(0);
    s.parseAll();
    expect(s.acked).toBe(100_001);
  });

  it('gives a hidden terminal one bounded slice at a time, after the previous one is parsed', async () => {
    const { s, pacer } = sink(false);
    pacer.push('x'.repeat(200_000));
    expect(s.written).toHaveLength(1);
    expect(s.written[0]!.length).toBeLessThanOrEqual(64 * 1024);
    await sleep(20);
    expect(s.written).toHaveLength(1); // nothing more until it is parsed
    s.parseAll();
    expect(s.acked).toBe(s.written[0]!.length);
    await expect.poll(() => s.written.length).toBe(2);
  });

  it('delivers and acks every character of a hidden flood, in order', async () => {
    const { s, pacer } = sink(false, true);
    const text = Array.from({ length: 3000 }, (_, i) => `line ${i} 😀\r\n`).join('');
    for (let i = 0; i < text.length; i += 7000) pacer.push(text.slice(i, i + 7000));
    await expect.poll(() => s.acked, { timeout: 10_000 }).toBe(text.length);
    expect(s.written.join('')).toBe(text);
    for (const w of s.written) expect(/[\uD800-\uDBFF]$/.test(w)).toBe(false);
  });

  it('sends what waits at once when the hidden terminal is shown', async () => {
    const { s, pacer } = sink(false, true);
    pacer.push('y\r\n'.repeat(100_000));
    await expect.poll(() => s.written.length).toBeGreaterThan(0);
    s.shown = true;
    pacer.wake();
    await expect.poll(() => s.acked).toBe(300_000);
  });

  it('renders what waits when the core forgets the terminal, and drops it when the tab closes', () => {
    const a = sink(false);
    a.pacer.push('z'.repeat(100_000));
    a.pacer.stop(true);
    expect(a.s.written.join('')).toBe('z'.repeat(100_000));
    a.s.parseAll();
    expect(a.s.acked).toBe(0); // the core forgot it: no acks
    const b = sink(false);
    b.pacer.push('z'.repeat(100_000));
    b.pacer.stop(false);
    b.pacer.push('more');
    expect(b.s.written.join('').length).toBeLessThan(100_000);
  });
});

describe('cutAt', () => {
  it('never cuts between the halves of a surrogate pair', () => {
    expect(cutAt('ab😀c', 3)).toBe(2);
    expect(cutAt('ab😀c', 4)).toBe(4);
    expect(cutAt('abc', 10)).toBe(3);
  });
});
