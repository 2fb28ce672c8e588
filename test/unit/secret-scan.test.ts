// The final secret scan's search (test/helpers/secret-scan.ts): each form a secret can be written
// in is found, wherever a file holds it; a clean file passes; a one-time code is not found inside
// a longer number.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filesUnder, scanForSecrets, secretForms } from '../helpers/secret-scan';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hd-secret-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const QUOTED = 'pa"ss\\word-Q1';
const B64 = 'base64-secret-Zr82';
const HEX = 'hex-secret-Kp40';
const UNICODE = 'ünï-cödé-secret 🙂';
const OTP = '482913';
const secrets = [
  { label: 'quoted', value: QUOTED },
  { label: 'b64', value: B64 },
  { label: 'hex', value: HEX },
  { label: 'unicode', value: UNICODE },
  { label: 'otp', value: OTP },
];

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** The (label, form) pairs found in one file. */
function found(file: string, chunk?: number): string[] {
  return scanForSecrets([file], secrets, chunk ? { chunk } : {}).leaks.map((l) => `${l.label}: ${l.form}`);
}

describe('secret scan', () => {
  it('JSON-escaped forms of a password with " and \\ are not its raw bytes, and are found', () => {
    const json = JSON.stringify({ user: 'x', password: QUOTED }, null, 2);
    expect(json).not.toContain(QUOTED);
    expect(found(write('quoted.json', json))).toEqual(['quoted: JSON-escaped']);
    // base64 of the JSON text, with the secret at each alignment inside it.
    for (const prefix of ['{"p":"', '{"pw":"', '{"pwd":"']) {
      const b64 = Buffer.from(`${prefix}${JSON.stringify(QUOTED).slice(1, -1)}"}`).toString('base64');
      expect(found(write(`quoted-b64-${prefix.length}.txt`, `token=${b64}\n`))).toEqual(['quoted: base64 of JSON-escaped']);
    }
    expect(found(write('ascii.json', JSON.stringify(UNICODE).replace(/[^\u0000-\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)))).toEqual([
      'unicode: JSON-escaped (ASCII)',
    ]);
  });

  it('finds base64 at any alignment, hex in either case, URL-encoded and UTF-16 forms', () => {
    for (const prefix of ['', 'a', 'ab']) {
      const file = write(`b64-${prefix.length}.bin`, Buffer.from(Buffer.from(`${prefix}${B64}!`).toString('base64')));
      expect(found(file)).toEqual(['b64: base64']);
    }
    expect(found(write('b64url.txt', Buffer.from(`a${UNICODE}`).toString('base64url')))).toEqual(['unicode: base64url']);
    expect(found(write('hex.log', `dump ${Buffer.from(`x${HEX}y`).toString('hex')} end`))).toEqual(['hex: hex']);
    expect(found(write('HEX.log', Buffer.from(HEX).toString('hex').toUpperCase()))).toEqual(['hex: HEX']);
    expect(found(write('url.txt', `GET /?p=${encodeURIComponent(QUOTED)}`))).toEqual(['quoted: URL-encoded']);
    expect(found(write('form.txt', `a=1&p=${new URLSearchParams({ p: UNICODE }).toString().slice(2)}`))).toEqual(['unicode: form-encoded']);
    expect(found(write('leveldb.ldb', Buffer.concat([Buffer.from([0, 1, 0xff]), Buffer.from(UNICODE, 'utf16le')])))).toEqual(['unicode: UTF-16']);
    expect(found(write('raw.txt', `password ${UNICODE}\n`))).toEqual(['unicode: raw']);
  });

  it('finds a secret across the boundary between two chunks of a file', () => {
    const file = write('big.txt', `${'.'.repeat(1000)}${QUOTED}${'.'.repeat(1000)}`);
    for (const chunk of [7, 64, 999, 1003, 4096]) expect(found(file, chunk)).toEqual(['quoted: raw']);
  });

  it('counts a one-time code only where it is not part of a longer number, and not in database exports', () => {
    expect(found(write('otp.json', `{"answers":["${OTP}"]}`))).toEqual(['otp: raw']);
    expect(found(write('otp-start.txt', OTP))).toEqual(['otp: raw']);
    expect(found(write('otp-utf16.ldb', Buffer.from(`x${OTP}y`, 'utf16le')))).toEqual(['otp: UTF-16']);
    expect(found(write('numbers.json', `{"at":1${OTP},"size":${OTP}7}`))).toEqual([]);
    expect(found(write('orders.csv', `id,total\r\n${OTP},12.50\r\n`))).toEqual([]);
    expect(found(write('otp-hex.csv', Buffer.from(OTP).toString('hex')))).toEqual(['otp: hex']);
    // At a chunk boundary, the digits around it are still seen.
    expect(found(write('otp-chunks.txt', `${'0'.repeat(100)}${OTP}1`), 10)).toEqual([]);
  });

  it('passes a clean file, and lists every file of a folder but those skipped', () => {
    const clean = write('tree/clean/inventory.json', JSON.stringify({ servers: [{ name: 'web1', auth: { method: 'password' } }], note: 'pa"ss word hex-secret base64' }));
    write('tree/keyrings/login.keyring', QUOTED);
    const all = filesUnder(path.join(dir, 'tree'));
    expect(all.map((f) => path.relative(dir, f)).sort()).toEqual(['tree/clean/inventory.json', 'tree/keyrings/login.keyring']);
    const kept = filesUnder(path.join(dir, 'tree'), (d) => path.basename(d) === 'keyrings');
    expect(kept).toEqual([clean]);
    expect(scanForSecrets(kept, secrets)).toMatchObject({ leaks: [], files: 1 });
    expect(scanForSecrets(all, secrets).leaks).toEqual([{ file: path.join(dir, 'tree/keyrings/login.keyring'), label: 'quoted', form: 'raw' }]);
  });

  it('derives distinct forms only', () => {
    const forms = secretForms('plain-secret-1');
    expect(new Set(forms.map((f) => f.bytes.toString('latin1'))).size).toBe(forms.length);
    expect(forms.map((f) => f.form)).not.toContain('JSON-escaped'); // the same bytes as raw
  });
});
