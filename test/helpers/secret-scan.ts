// Searches folders for secrets in every form a program could have written them in: raw (UTF-8 and
// UTF-16, as Chromium's storage keeps some strings), JSON-escaped (a password with `"` or `\`
// differs from its raw bytes inside JSON), URL-encoded, hex, and base64 (of the raw and the
// JSON-escaped text, at each of the three alignments a secret can have inside a longer base64
// text). One pass per file finds every form (a bitmap of the forms' first three bytes), since
// the suite's data holds exports of a million rows.
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';

export type SecretForm = { form: string; bytes: Buffer; digits: boolean };
export type Leak = { file: string; label: string; form: string };
export type ScanResult = { leaks: Leak[]; files: number; bytes: number };

/** The chunk a file is read in (smaller in the scanner's own test, to cross chunk boundaries). */
const CHUNK = 8 * 1024 * 1024;

/** base64 of `bytes` as it appears inside a longer base64 text where it starts `shift` bytes into a 3-byte group. */
function base64At(bytes: Buffer, shift: 0 | 1 | 2): string {
  const all = Buffer.concat([Buffer.alloc(shift), bytes]);
  const full = Math.floor(all.length / 3) * 4 + [0, 1, 2][all.length % 3]!;
  // Leading characters mixed with the preceding bytes, trailing ones with the following bytes, are not the secret's own.
  return all.toString('base64').slice(Math.ceil((shift * 8) / 6), full);
}

export function secretForms(secret: string): SecretForm[] {
  const raw = Buffer.from(secret);
  const escaped = JSON.stringify(secret).slice(1, -1);
  // Serializers that write ASCII only escape the rest as \uXXXX (JSON.stringify does not).
  const escapedAscii = escaped.replace(/[^\u0000-\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const texts: [string, string][] = [
    ['raw', secret],
    ['JSON-escaped', escaped],
    ['JSON-escaped (ASCII)', escapedAscii],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', new URLSearchParams({ s: secret }).toString().slice(2)],
  ];
  const forms: SecretForm[] = texts.map(([form, text]) => ({ form, bytes: Buffer.from(text), digits: /^\d+$/.test(text) }));
  forms.push({ form: 'UTF-16', bytes: Buffer.from(secret, 'utf16le'), digits: /^\d+$/.test(secret) });
  forms.push({ form: 'hex', bytes: Buffer.from(raw.toString('hex')), digits: false });
  forms.push({ form: 'HEX', bytes: Buffer.from(raw.toString('hex').toUpperCase()), digits: false });
  for (const [name, text] of [['base64', secret], ['base64 of JSON-escaped', escaped]] as const) {
    for (const shift of [0, 1, 2] as const) {
      const b64 = base64At(Buffer.from(text), shift);
      forms.push({ form: name, bytes: Buffer.from(b64), digits: false });
      forms.push({ form: `${name}url`, bytes: Buffer.from(b64.replace(/\+/g, '-').replace(/\//g, '_')), digits: false });
    }
  }
  const distinct = new Map<string, SecretForm>();
  for (const f of forms) if (f.bytes.length >= 3 && !distinct.has(f.bytes.toString('latin1'))) distinct.set(f.bytes.toString('latin1'), f);
  return [...distinct.values()];
}

type Needle = SecretForm & { label: string };

const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39;

/**
 * A digits-only secret (a 6-digit one-time code) counts only where it is not part of a longer
 * number. Even so it is not looked for in database exports (CSV, TSV, SQL: the testbed's rows are
 * full of 6-digit numbers, so a code there would be found by chance); its hex and base64 forms are.
 */
const NUMBERS_FILE = /\.(csv|tsv|sql)$/i;

class Needles {
  private readonly bitmap = new Uint8Array(1 << 21);
  private readonly byPrefix = new Map<number, Needle[]>();
  readonly longest: number;

  constructor(readonly all: Needle[]) {
    for (const n of all) {
      const key = (n.bytes[0]! << 16) | (n.bytes[1]! << 8) | n.bytes[2]!;
      this.bitmap[key >>> 3]! |= 1 << (key & 7);
      const list = this.byPrefix.get(key) ?? [];
      list.push(n);
      this.byPrefix.set(key, list);
    }
    this.longest = Math.max(0, ...all.map((n) => n.bytes.length));
  }

  /**
   * The needles found in buf[0, len): only where the byte after a match is known (or the file
   * ends there); `first` says whether buf[0] starts the file.
   */
  find(buf: Buffer, len: number, first: boolean, last: boolean, numbersFile: boolean, found: Set<Needle>): void {
    const { bitmap, byPrefix } = this;
    for (let i = 0; i + 3 <= len; i++) {
      const key = (buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!;
      if ((bitmap[key >>> 3]! & (1 << (key & 7))) === 0) continue;
      for (const n of byPrefix.get(key)!) {
        const end = i + n.bytes.length;
        if (end > len || (!last && end === len) || found.has(n)) continue;
        if (buf.compare(n.bytes, 0, n.bytes.length, i, end) !== 0) continue;
        if (n.digits) {
          const step = n.form === 'UTF-16' ? 2 : 1;
          if (numbersFile || (i >= step && isDigit(buf[i - step])) || (i < step && !first) || (end < len && isDigit(buf[end]))) continue;
        }
        found.add(n);
      }
    }
  }
}

function scanFile(file: string, needles: Needles, chunk: number): Set<Needle> {
  const found = new Set<Needle>();
  // Kept from one chunk to the next: a match not yet judged plus the byte before it.
  const keep = needles.longest + 2;
  const buf = Buffer.alloc(chunk + keep);
  const numbersFile = NUMBERS_FILE.test(file);
  const fd = openSync(file, 'r');
  try {
    let carried = 0;
    let first = true;
    for (;;) {
      const n = readSync(fd, buf, carried, chunk, null);
      const len = carried + n;
      needles.find(buf, len, first, n === 0, numbersFile, found);
      if (n === 0) break;
      const kept = Math.min(keep, len);
      buf.copy(buf, 0, len - kept, len);
      carried = kept;
      first = first && kept === len;
    }
  } finally {
    closeSync(fd);
  }
  return found;
}

/** Regular files under `dir` (symlinks not followed), minus the folders `skip` names. */
export function filesUnder(dir: string, skip: (dir: string) => boolean = () => false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const st = lstatSync(full);
    if (st.isDirectory()) return skip(full) ? [] : filesUnder(full, skip);
    return st.isFile() ? [full] : [];
  });
}

/** Every (file, secret, form) where a secret is found in one of its forms. */
export function scanForSecrets(
  files: string[],
  secrets: { label: string; value: string }[],
  options: { chunk?: number } = {},
): ScanResult {
  const needles = new Needles(secrets.flatMap(({ label, value }) => secretForms(value).map((f) => ({ ...f, label }))));
  const leaks: Leak[] = [];
  let bytes = 0;
  for (const file of files) {
    bytes += lstatSync(file).size;
    const seen = new Set<string>();
    for (const n of scanFile(file, needles, options.chunk ?? CHUNK)) {
      if (seen.has(`${n.label}\0${n.form}`)) continue;
      seen.add(`${n.label}\0${n.form}`);
      leaks.push({ file, label: n.label, form: n.form });
    }
  }
  return { leaks, files: files.length, bytes };
}
