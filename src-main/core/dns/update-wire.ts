// The dynamic update of a push as DNS messages (RFC 2136), signed with named's session key (TSIG,
// RFC 8945), so the core sends them itself instead of starting nsupdate on the server (a process
// that costs more than named's work on the update). The input is the update text update.ts
// writes (nsupdate's input language, in the few forms it uses); each zone's part becomes one
// message. Anything outside those forms is refused, never guessed at: that zone then goes whole.
import { createHmac, randomInt } from 'node:crypto';
import { canonicalIpv6 } from '../../../shared/dns';
import { IPV4 } from '../../../shared/validation';

const TYPES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, CAA: 257 };
const CLASS_IN = 1;
const CLASS_NONE = 254;
const CLASS_ANY = 255;
const TYPE_TSIG = 250;
const OPCODE_UPDATE = 5;
const FUDGE_S = 300;

/** A TSIG key as named's key file states it. */
export type TsigKey = { name: string; algorithm: 'hmac-sha256' | 'hmac-sha512' | 'hmac-sha1'; secret: Buffer };

export class WireError extends Error {}

/** A name's wire form (absolute, lowercase letters, digits, `_`, `-`, `*`; never compressed). */
function name(text: string): Buffer {
  if (text === '.') return Buffer.from([0]);
  if (!text.endsWith('.') || text.length > 254) throw new WireError(`not an absolute name: ${text.slice(0, 64)}`);
  const parts: Buffer[] = [];
  for (const label of text.slice(0, -1).split('.')) {
    if (!/^[a-z0-9_*-]{1,63}$/.test(label)) throw new WireError(`not a label: ${label.slice(0, 64)}`);
    parts.push(Buffer.from([label.length]), Buffer.from(label, 'ascii'));
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

const u16 = (n: number) => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new WireError(`not a 16-bit number: ${n}`);
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new WireError(`not a 32-bit number: ${n}`);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const num = (t: string | undefined) => {
  if (t === undefined || !/^\d{1,10}$/.test(t)) throw new WireError(`not a number: ${String(t).slice(0, 16)}`);
  return Number(t);
};

/** Tokens of record data: bare words, and quoted strings as their bytes (\" \\ \DDD escapes). */
function tokens(text: string): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    if (text[i] !== '"') {
      const end = text.indexOf(' ', i);
      const word = text.slice(i, end < 0 ? undefined : end);
      if (word.includes('"') || word.includes('\\')) throw new WireError('a quote or backslash outside a string');
      out.push(word);
      i += word.length;
      continue;
    }
    const bytes: number[] = [];
    i++;
    for (;;) {
      if (i >= text.length) throw new WireError('a string is not closed');
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4));
        if (digits) {
          if (Number(digits[0]) > 255) throw new WireError('an escape that is not a byte');
          bytes.push(Number(digits[0]));
          i += 4;
          continue;
        }
        const next = text.charCodeAt(i + 1);
        if (next !== 0x22 && next !== 0x5c) throw new WireError('an unexpected escape');
        bytes.push(next);
        i += 2;
        continue;
      }
      if (c < 0x20 || c > 0x7e) throw new WireError('a character that is not printable ASCII');
      bytes.push(c);
      i++;
    }
    i++;
    out.push(Buffer.from(bytes));
  }
  return out;
}

function words(data: string, n: number): string[] {
  const t = tokens(data);
  if (t.length !== n || t.some((x) => typeof x !== 'string')) throw new WireError(`expected ${n} words`);
  return t as string[];
}

function ipv6(text: string): Buffer {
  if (canonicalIpv6(text) === null) throw new WireError('not an IPv6 address');
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const hex = [...h, ...Array<string>(tail === undefined ? 0 : 8 - h.length - t.length).fill('0'), ...t];
  if (hex.length !== 8 || hex.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) throw new WireError('an IPv6 address in a form this sender does not take');
  return Buffer.concat(hex.map((g) => u16(parseInt(g, 16))));
}

/** The record data of `type` in its wire form, from the zone-file text update.ts wrote. */
export function rdataWire(type: string, data: string): Buffer {
  switch (type) {
    case 'A': {
      if (!IPV4.test(data)) throw new WireError('not an IPv4 address');
      return Buffer.from(data.split('.').map(Number));
    }
    case 'AAAA':
      return ipv6(data);
    case 'NS':
    case 'CNAME':
    case 'PTR':
      return name(words(data, 1)[0]!);
    case 'MX': {
      const [pref, host] = words(data, 2);
      return Buffer.concat([u16(num(pref)), name(host!)]);
    }
    case 'SRV': {
      const [p, w, port, host] = words(data, 4);
      return Buffer.concat([u16(num(p)), u16(num(w)), u16(num(port)), name(host!)]);
    }
    case 'TXT': {
      const parts = tokens(data);
      if (parts.length === 0 || parts.some((x) => typeof x === 'string' || x.length > 255)) throw new WireError('TXT data must be strings of at most 255 bytes');
      return Buffer.concat((parts as Buffer[]).flatMap((b) => [Buffer.from([b.length]), b]));
    }
    case 'CAA': {
      const [flags, tag, value] = tokens(data);
      if (typeof flags !== 'string' || typeof tag !== 'string' || !Buffer.isBuffer(value) || !/^[a-z0-9]{1,15}$/.test(tag) || num(flags) > 255) throw new WireError('CAA data is flags, tag and a quoted value');
      return Buffer.concat([Buffer.from([num(flags), tag.length]), Buffer.from(tag, 'ascii'), value]);
    }
    case 'SOA': {
      const [m, r, ...n] = words(data, 7);
      return Buffer.concat([name(m!), name(r!), ...n.map((x) => u32(num(x)))]);
    }
    default:
      throw new WireError(`record type ${type.slice(0, 12)} is not sent in place`);
  }
}

function rr(owner: string, type: string, cls: number, ttl: number, data: Buffer): Buffer {
  const t = TYPES[type];
  if (t === undefined) throw new WireError(`record type ${type.slice(0, 12)} is not sent in place`);
  return Buffer.concat([name(owner), u16(t), u16(cls), u32(ttl), u16(data.length), data]);
}

/** One zone's update: its name and the message without a signature. */
export type UpdateMessage = { zone: string; id: number; body: Buffer };

/**
 * The messages of an update text: from each `zone` line to its `send`. A part that does not
 * parse throws for that zone only (a WireError naming it), so the others still go.
 */
export function updateMessages(text: string): { messages: UpdateMessage[]; refused: { zone: string; reason: string }[] } {
  const messages: UpdateMessage[] = [];
  const refused: { zone: string; reason: string }[] = [];
  let zone: string | null = null;
  let prereq: Buffer[] = [];
  let updates: Buffer[] = [];
  let bad: string | null = null;
  // Ids in a row from a random start: distinct within the batch, answers matched by them.
  const firstId = randomInt(0, 0x10000);
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const zoneLine = /^zone (\S+)$/.exec(line);
    if (zoneLine) {
      zone = zoneLine[1]!;
      prereq = [];
      updates = [];
      bad = null;
      continue;
    }
    if (zone === null) throw new WireError('an update line before its zone');
    if (line === 'send') {
      const z = zone.replace(/\.$/, '');
      if (bad) refused.push({ zone: z, reason: bad });
      else {
        const id = (firstId + messages.length + refused.length) & 0xffff;
        const header = Buffer.concat([u16(id), u16(OPCODE_UPDATE << 11), u16(1), u16(prereq.length), u16(updates.length), u16(0)]);
        try {
          messages.push({ zone: z, id, body: Buffer.concat([header, name(zone), u16(TYPES.SOA!), u16(CLASS_IN), ...prereq, ...updates]) });
        } catch (error) {
          refused.push({ zone: z, reason: (error as Error).message });
        }
      }
      zone = null;
      continue;
    }
    if (bad) continue;
    try {
      let m: RegExpExecArray | null;
      if ((m = /^prereq yxrrset (\S+) IN (\S+) (.+)$/.exec(line))) prereq.push(rr(m[1]!, m[2]!, CLASS_IN, 0, rdataWire(m[2]!, m[3]!)));
      else if ((m = /^update delete (\S+) IN (\S+) (.+)$/.exec(line))) updates.push(rr(m[1]!, m[2]!, CLASS_NONE, 0, rdataWire(m[2]!, m[3]!)));
      else if ((m = /^update delete (\S+) (\S+)$/.exec(line))) updates.push(rr(m[1]!, m[2]!, CLASS_ANY, 0, Buffer.alloc(0)));
      else if ((m = /^update add (\S+) (\d{1,10}) IN (\S+) (.+)$/.exec(line))) updates.push(rr(m[1]!, m[3]!, CLASS_IN, num(m[2]), rdataWire(m[3]!, m[4]!)));
      else throw new WireError(`a line this sender does not take: ${line.slice(0, 80)}`);
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      bad = error.message;
    }
  }
  if (zone !== null) throw new WireError(`the update of ${zone} has no send`);
  return { messages, refused };
}

/** The message with its TSIG record (RFC 8945 section 4.3: the request's MAC input). */
export function signed(message: UpdateMessage, key: TsigKey, now = Date.now()): Buffer {
  const keyName = name(`${key.name.toLowerCase().replace(/\.$/, '')}.`);
  const algorithm = name(`${key.algorithm}.`);
  const time = Buffer.alloc(6);
  time.writeUIntBE(Math.floor(now / 1000), 0, 6);
  const variables = Buffer.concat([keyName, u16(CLASS_ANY), u32(0), algorithm, time, u16(FUDGE_S), u16(0), u16(0)]);
  const mac = createHmac(key.algorithm.slice(5), key.secret).update(message.body).update(variables).digest();
  const rdata = Buffer.concat([algorithm, time, u16(FUDGE_S), u16(mac.length), mac, u16(message.id), u16(0), u16(0)]);
  const tsig = Buffer.concat([keyName, u16(TYPE_TSIG), u16(CLASS_ANY), u32(0), u16(rdata.length), rdata]);
  const out = Buffer.concat([message.body, tsig]);
  out.writeUInt16BE(message.body.readUInt16BE(10) + 1, 10);
  return out;
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

/** The answer's id and outcome: null when it is a success, else the rcode's name. */
export function answer(message: Buffer): { id: number; error: string | null } {
  if (message.length < 12) throw new WireError('an answer shorter than a DNS header');
  const flags = message.readUInt16BE(2);
  if ((flags & 0x8000) === 0 || ((flags >> 11) & 0xf) !== OPCODE_UPDATE) throw new WireError('not an answer to an update');
  const rcode = flags & 0xf;
  return { id: message.readUInt16BE(0), error: rcode === 0 ? null : (RCODES[rcode] ?? `rcode ${rcode}`) };
}

/** named's key file (`key "name" { algorithm …; secret "…"; };`), or null when it is not one this sender signs with. */
export function parseKeyFile(text: string): TsigKey | null {
  const keyName = /key\s+"?([A-Za-z0-9._-]{1,63})"?\s*\{/.exec(text)?.[1];
  const algorithm = /algorithm\s+"?(hmac-sha256|hmac-sha512|hmac-sha1)"?\s*;/i.exec(text)?.[1]?.toLowerCase();
  const secret = /secret\s+"([A-Za-z0-9+/=]{16,200})"\s*;/.exec(text)?.[1];
  if (!keyName || !algorithm || !secret) return null;
  return { name: keyName, algorithm: algorithm as TsigKey['algorithm'], secret: Buffer.from(secret, 'base64') };
}
