// GEOMETRY cells as WKT: every OGC type in both byte orders, the SRID, long values cut early, and
// hostile bytes (short, lying counts, wrong parts, deep nesting, left-over bytes) giving null.
import { describe, expect, it } from 'vitest';
import { encodeCell } from '../../src-main/core/db/cells';
import { geometryText } from '../../src-main/core/db/wkb';

type Geo =
  | { t: 'point'; p: [number, number] }
  | { t: 'line'; p: [number, number][] }
  | { t: 'polygon'; rings: [number, number][][] }
  | { t: 'multipoint'; p: [number, number][] }
  | { t: 'multiline'; lines: [number, number][][] }
  | { t: 'multipolygon'; polygons: [number, number][][][] }
  | { t: 'collection'; parts: Geo[] };

/** WKB as the server writes it (little endian unless `big`), without the SRID. */
function wkb(g: Geo, big = false): Buffer {
  const out: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    if (big) b.writeUInt32BE(n);
    else b.writeUInt32LE(n);
    out.push(b);
  };
  const pt = ([x, y]: [number, number]) => {
    const b = Buffer.alloc(16);
    if (big) {
      b.writeDoubleBE(x, 0);
      b.writeDoubleBE(y, 8);
    } else {
      b.writeDoubleLE(x, 0);
      b.writeDoubleLE(y, 8);
    }
    out.push(b);
  };
  const head = (type: number) => {
    out.push(Buffer.from([big ? 0 : 1]));
    u32(type);
  };
  const pts = (p: [number, number][]) => {
    u32(p.length);
    p.forEach(pt);
  };
  const rings = (r: [number, number][][]) => {
    u32(r.length);
    r.forEach(pts);
  };
  switch (g.t) {
    case 'point':
      head(1);
      pt(g.p);
      break;
    case 'line':
      head(2);
      pts(g.p);
      break;
    case 'polygon':
      head(3);
      rings(g.rings);
      break;
    case 'multipoint':
      head(4);
      u32(g.p.length);
      for (const p of g.p) out.push(wkb({ t: 'point', p }, big));
      break;
    case 'multiline':
      head(5);
      u32(g.lines.length);
      for (const p of g.lines) out.push(wkb({ t: 'line', p }, big));
      break;
    case 'multipolygon':
      head(6);
      u32(g.polygons.length);
      for (const r of g.polygons) out.push(wkb({ t: 'polygon', rings: r }, big));
      break;
    case 'collection':
      head(7);
      u32(g.parts.length);
      for (const p of g.parts) out.push(wkb(p, big));
  }
  return Buffer.concat(out);
}

const stored = (g: Geo | Buffer, srid = 0, big = false) => {
  const s = Buffer.alloc(4);
  s.writeUInt32LE(srid);
  return Buffer.concat([s, Buffer.isBuffer(g) ? g : wkb(g, big)]);
};

const square: [number, number][] = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
const hole: [number, number][] = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]];

describe('geometryText', () => {
  it.each([false, true])('reads every type like ST_AsText (big endian: %s)', (big) => {
    expect(geometryText(stored({ t: 'point', p: [13.405, 52.52] }, 0, big))).toBe('POINT(13.405 52.52)');
    expect(geometryText(stored({ t: 'point', p: [-180, -90] }, 0, big))).toBe('POINT(-180 -90)');
    expect(geometryText(stored({ t: 'line', p: [[0, 0], [1, 1], [2, 0]] }, 0, big))).toBe('LINESTRING(0 0,1 1,2 0)');
    expect(geometryText(stored({ t: 'polygon', rings: [square, hole] }, 0, big))).toBe('POLYGON((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4))');
    expect(geometryText(stored({ t: 'multipoint', p: [[1, 1], [2, 2]] }, 0, big))).toBe('MULTIPOINT(1 1,2 2)');
    expect(geometryText(stored({ t: 'multiline', lines: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]] }, 0, big))).toBe('MULTILINESTRING((0 0,1 1),(2 2,3 3))');
    expect(geometryText(stored({ t: 'multipolygon', polygons: [[square], [hole]] }, 0, big))).toBe('MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0)),((4 4,6 4,6 6,4 6,4 4)))');
    const collection: Geo = { t: 'collection', parts: [{ t: 'point', p: [1, 1] }, { t: 'line', p: [[0, 0], [1, 1]] }, { t: 'collection', parts: [{ t: 'multipoint', p: [[2, 2]] }] }] };
    expect(geometryText(stored(collection, 0, big))).toBe('GEOMETRYCOLLECTION(POINT(1 1),LINESTRING(0 0,1 1),GEOMETRYCOLLECTION(MULTIPOINT(2 2)))');
    expect(geometryText(stored({ t: 'collection', parts: [] }, 0, big))).toBe('GEOMETRYCOLLECTION EMPTY');
  });

  it('puts a non-zero SRID in front, and prints numbers exactly', () => {
    expect(geometryText(stored({ t: 'point', p: [1, 2] }, 4326))).toBe('SRID=4326;POINT(1 2)');
    expect(geometryText(stored({ t: 'point', p: [1e300, -0.000001] }))).toBe('POINT(1e300 -0.000001)');
    expect(geometryText(stored({ t: 'point', p: [-0, 0.1] }))).toBe('POINT(0 0.1)');
    expect(geometryText(stored({ t: 'point', p: [Number.NaN, Number.NaN] }))).toBe('POINT EMPTY');
  });

  it('cuts long values early, ending with …', () => {
    const line: [number, number][] = Array.from({ length: 100_000 }, (_, i) => [i, i]);
    const buf = stored({ t: 'line', p: line }, 3857);
    const started = performance.now();
    const text = geometryText(buf, 2000)!;
    expect(performance.now() - started).toBeLessThan(100); // the whole line takes far longer: decoding stops at the cut
    expect(text).toHaveLength(2001);
    expect(text.startsWith('SRID=3857;LINESTRING(0 0,1 1,2 2,')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(geometryText(buf)!.endsWith('99999 99999)')).toBe(true);
  });

  it('gives null for bytes that are not exactly one geometry', () => {
    const good = stored({ t: 'polygon', rings: [square] });
    // Every truncation of a valid value.
    for (let n = 0; n < good.length; n++) expect(geometryText(good.subarray(0, n)), `first ${n} bytes`).toBeNull();
    expect(geometryText(Buffer.concat([good, Buffer.from([0])]))).toBeNull(); // a byte left over
    const lying = stored(Buffer.concat([Buffer.from([1, 2, 0, 0, 0]), Buffer.from([0xff, 0xff, 0xff, 0xff])])); // 4 billion points in 0 bytes
    expect(geometryText(lying)).toBeNull();
    expect(geometryText(stored(Buffer.from([2, 1, 0, 0, 0, 0, 0, 0, 0])))).toBeNull(); // byte order 2
    expect(geometryText(stored(Buffer.from([1, 8, 0, 0, 0])))).toBeNull(); // type 8
    expect(geometryText(stored(Buffer.from([1, 0xe9, 0x03, 0, 0])))).toBeNull(); // 1001 (POINT Z)
    // A MULTIPOINT whose part is a LINESTRING.
    const wrongPart = Buffer.concat([Buffer.from([1, 4, 0, 0, 0, 1, 0, 0, 0]), wkb({ t: 'line', p: [[0, 0]] })]);
    expect(geometryText(stored(wrongPart))).toBeNull();
    // A collection nested 10,000 deep: refused without a stack overflow.
    const deep = Buffer.concat([...Array.from({ length: 10_000 }, () => Buffer.from([1, 7, 0, 0, 0, 1, 0, 0, 0])), wkb({ t: 'point', p: [0, 0] })]);
    expect(geometryText(stored(deep))).toBeNull();
    // Infinity is not a coordinate.
    expect(geometryText(stored({ t: 'point', p: [Number.POSITIVE_INFINITY, 0] }))).toBeNull();
    // Random bytes never throw.
    for (let i = 0; i < 2000; i++) {
      const junk = Buffer.from(Array.from({ length: 1 + (i % 80) }, () => Math.floor(Math.random() * 256)));
      expect(() => geometryText(junk)).not.toThrow();
    }
  });
});

describe('encodeCell for geometry columns', () => {
  it('adds the WKT beside the hex for geometry types only', () => {
    const buf = stored({ t: 'point', p: [2.3522, 48.8566] });
    expect(encodeCell(buf, 'point')).toEqual({ kind: 'binary', hex: buf.toString('hex'), size: 25, truncated: false, wkt: 'POINT(2.3522 48.8566)' });
    expect(encodeCell(buf, 'geometry')).toMatchObject({ wkt: 'POINT(2.3522 48.8566)' });
    expect(encodeCell(buf, 'varbinary(64)')).not.toHaveProperty('wkt');
    expect(encodeCell(Buffer.from('not a geometry'), 'geometry')).not.toHaveProperty('wkt');
    const long = stored({ t: 'line', p: Array.from({ length: 1000 }, (_, i) => [i, i] as [number, number]) });
    expect(encodeCell(long, 'linestring')).toMatchObject({ truncated: true, wkt: expect.stringMatching(/…$/) });
    expect(encodeCell(long, 'linestring', { full: true })).toMatchObject({ truncated: false, wkt: expect.stringMatching(/999 999\)$/) });
  });
});
