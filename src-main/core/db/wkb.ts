// GEOMETRY values as WKT, decoded from the bytes the server stores (pure: unit-tested in
// test/unit/db-wkb.test.ts). MariaDB and MySQL store a 4-byte little-endian SRID, then the OGC
// well-known binary: per geometry a byte-order byte (0 big, 1 little endian), a uint32 type
// (1 POINT … 7 GEOMETRYCOLLECTION) and its parts, coordinates as doubles. The text follows
// MariaDB's ST_AsText (`MULTIPOINT(1 1,2 2)`, no spaces after commas), with `SRID=n;` in front
// when the SRID is not 0.
//
// The bytes come from a customer's table: anything that does not parse exactly (a short buffer,
// counts larger than the bytes left, unknown types, a part of the wrong type in a MULTI*, nesting
// deeper than MAX_DEPTH, bytes left over) gives null, and the cell shows its hex only.

const TYPES = ['', 'POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION'] as const;
/** Collections inside collections: the server itself nests far less. */
const MAX_DEPTH = 32;

class Invalid extends Error {}
/** Thrown once the text is long enough; the caller ends it with "…". */
class Enough extends Error {}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  get left(): number {
    return this.buf.length - this.at;
  }
  byte(): number {
    if (this.left < 1) throw new Invalid();
    return this.buf[this.at++]!;
  }
  uint32(little: boolean): number {
    if (this.left < 4) throw new Invalid();
    const v = little ? this.buf.readUInt32LE(this.at) : this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  double(little: boolean): number {
    if (this.left < 8) throw new Invalid();
    const v = little ? this.buf.readDoubleLE(this.at) : this.buf.readDoubleBE(this.at);
    this.at += 8;
    return v;
  }
  /** A count of items at least `minBytes` long each: never more than the bytes left could hold. */
  count(little: boolean, minBytes: number): number {
    const n = this.uint32(little);
    if (n * minBytes > this.left) throw new Invalid();
    return n;
  }
}

/** A coordinate as MariaDB prints it: shortest round-trip digits, exponent without "+". */
function num(v: number): string {
  if (!Number.isFinite(v)) throw new Invalid();
  return String(v === 0 ? 0 : v).replace('e+', 'e');
}

class Writer {
  private parts: string[] = [];
  private length = 0;
  constructor(private readonly max: number) {}
  put(s: string): void {
    this.parts.push(s);
    this.length += s.length;
    if (this.length > this.max) throw new Enough();
  }
  text(): string {
    return this.parts.join('');
  }
}

/** Smallest WKB of each type (byte order + type + its minimum body): bounds the counts. */
const MIN_GEOMETRY = 1 + 4 + 4;
const POINT_BYTES = 16;

function points(r: Reader, w: Writer, little: boolean): void {
  const n = r.count(little, POINT_BYTES);
  w.put('(');
  for (let i = 0; i < n; i++) {
    if (i) w.put(',');
    w.put(`${num(r.double(little))} ${num(r.double(little))}`);
  }
  w.put(')');
}

function rings(r: Reader, w: Writer, little: boolean): void {
  const n = r.count(little, 4);
  w.put('(');
  for (let i = 0; i < n; i++) {
    if (i) w.put(',');
    points(r, w, little);
  }
  w.put(')');
}

/** One geometry; `inside` = the type a MULTI* requires of its parts (they print without their name). */
function geometry(r: Reader, w: Writer, depth: number, inside: number | null): void {
  if (depth > MAX_DEPTH) throw new Invalid();
  const order = r.byte();
  if (order !== 0 && order !== 1) throw new Invalid();
  const little = order === 1;
  const type = r.uint32(little);
  if (type < 1 || type >= TYPES.length || (inside !== null && type !== inside)) throw new Invalid();
  if (inside === null) w.put(TYPES[type]!);
  switch (type) {
    case 1: {
      const x = r.double(little);
      const y = r.double(little);
      // POINT EMPTY is NaN NaN in WKB; a NaN on its own is not a point. In a MULTIPOINT the
      // points print bare: MULTIPOINT(1 1,2 2).
      if (Number.isNaN(x) && Number.isNaN(y) && inside === null) w.put(' EMPTY');
      else w.put(inside === null ? `(${num(x)} ${num(y)})` : `${num(x)} ${num(y)}`);
      return;
    }
    case 2:
      return points(r, w, little);
    case 3:
      return rings(r, w, little);
    default: {
      const n = r.count(little, MIN_GEOMETRY);
      if (type === 7 && n === 0) return w.put(' EMPTY');
      const part = type === 7 ? null : type - 3;
      w.put('(');
      for (let i = 0; i < n; i++) {
        if (i) w.put(',');
        geometry(r, w, depth + 1, part);
      }
      w.put(')');
    }
  }
}

/**
 * The WKT of a stored geometry (SRID + WKB), or null when the bytes are not one. Longer than
 * `maxChars`, the text is cut there and ends with "…" (decoding stops early: a huge polygon costs
 * what its first part does).
 */
export function geometryText(buf: Buffer, maxChars = Number.POSITIVE_INFINITY): string | null {
  if (buf.length < 4) return null;
  const srid = buf.readUInt32LE(0);
  const prefix = srid === 0 ? '' : `SRID=${srid};`;
  const r = new Reader(buf.subarray(4));
  const w = new Writer(Math.max(0, maxChars - prefix.length));
  try {
    geometry(r, w, 0, null);
    if (r.left !== 0) return null;
    return prefix + w.text();
  } catch (e) {
    if (e instanceof Enough) return `${prefix}${w.text().slice(0, Math.max(0, maxChars - prefix.length))}…`;
    if (e instanceof Invalid) return null;
    throw e;
  }
}
