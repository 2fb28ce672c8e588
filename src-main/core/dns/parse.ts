// Parses a zone file as named reads it, for the subset zones are written in: $ORIGIN, $TTL,
// parentheses across lines, comments, quoted strings with escapes, relative names, '@', an
// omitted owner (the previous one), TTL and class in either order, TTL units (1h, 2d). Records of
// the managed types become the app's records (validated and in canonical form); other types are
// left out with a warning; $INCLUDE and $GENERATE are refused (the file is then not imported).
import { AppError, msg } from '../../../shared/errors';
import { canonicalRecord, canonicalSoa, DnsRecord, quoteBytes, RECORD_TYPES, tokenize, type RecordType, type Soa, type Zone, Zone as ZoneSchema, zoneProblems } from '../../../shared/dns';

type Token = { raw: string; line: number };
type Entry = { line: number; indented: boolean; tokens: Token[] };

function fail(line: number, message: string): never {
  throw AppError.worded('invalid-input', msg('Line {{line}}: {{problem}}'), { line, problem: message });
}

/** Logical entries: comments dropped, parentheses joined, quoted strings kept raw as one token. */
function lex(text: string): Entry[] {
  const entries: Entry[] = [];
  let line = 1;
  let entry: Entry | null = null;
  let depth = 0;
  let atLineStart = true;
  let i = 0;
  const push = (raw: string, at: number, indented: boolean) => {
    entry ??= { line: at, indented, tokens: [] };
    entry.tokens.push({ raw, line: at });
  };
  let lineIndented = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      if (depth === 0 && entry) {
        entries.push(entry);
        entry = null;
      }
      line++;
      i++;
      atLineStart = true;
      continue;
    }
    if (c === '\r') {
      i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      if (atLineStart && depth === 0) lineIndented = true;
      atLineStart = false;
      i++;
      continue;
    }
    if (atLineStart) lineIndented = false;
    atLineStart = false;
    if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(') {
      depth++;
      entry ??= { line, indented: lineIndented, tokens: [] };
      i++;
      continue;
    }
    if (c === ')') {
      if (depth === 0) fail(line, 'a ")" without its "("');
      depth--;
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\n') fail(line, 'a quoted string runs past the end of the line');
        i += text[i] === '\\' ? 2 : 1;
      }
      if (i >= text.length) fail(line, 'a quoted string is not closed');
      i++;
    } else {
      while (i < text.length && !' \t\n\r;()"'.includes(text[i]!)) i += text[i] === '\\' ? 2 : 1;
    }
    push(text.slice(start, i), line, lineIndented);
  }
  if (depth !== 0) fail(line, 'a "(" is not closed');
  if (entry) entries.push(entry);
  return entries;
}

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** A TTL like 3600 or 1h30m, or null when the token is not one. */
function parseTtl(raw: string): number | null {
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!/^(\d+[smhdw])+$/i.test(raw)) return null;
  let total = 0;
  for (const m of raw.toLowerCase().matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * UNIT[m[2]!]!;
  return total;
}

function plain(t: Token, what: string): string {
  if (t.raw.includes('\\') || t.raw.startsWith('"')) fail(t.line, `${what} "${t.raw.slice(0, 64)}" uses quotes or escapes, which Hostdeck does not manage in names`);
  return t.raw.toLowerCase();
}

function absolute(t: Token, origin: string, what: string): string {
  const n = plain(t, what);
  if (n === '@') return origin;
  if (n.endsWith('.')) return n;
  return origin === '.' ? `${n}.` : `${n}.${origin}`;
}

function text(t: Token): string {
  const r = tokenize(t.raw);
  if (typeof r === 'string') fail(t.line, r);
  return r.map((x) => x.text).join('');
}

type ParsedZone = { zone: Zone; serial: number; warnings: string[] };

export function parseZoneFile(source: string, zoneName: string): ParsedZone {
  const zoneAbs = `${zoneName}.`;
  let origin = zoneAbs;
  let defaultTtl: number | null = null;
  let lastOwner: string | null = null;
  let lastTtl: number | null = null;
  let soa: { soa: Soa; serial: number; ttl: number } | null = null;
  const records: DnsRecord[] = [];
  const warnings: string[] = [];
  for (const e of lex(source)) {
    const [first, ...rest] = e.tokens;
    if (!first) continue;
    if (!e.indented && first.raw.startsWith('$')) {
      const directive = first.raw.toUpperCase();
      if (directive === '$ORIGIN') {
        if (!rest[0]) fail(e.line, '$ORIGIN needs a name');
        origin = absolute(rest[0], origin, '$ORIGIN');
      } else if (directive === '$TTL') {
        const ttl = rest[0] ? parseTtl(rest[0].raw) : null;
        if (ttl === null) fail(e.line, '$TTL needs a TTL');
        defaultTtl = ttl;
      } else fail(e.line, `${first.raw.slice(0, 16)} is not supported (Hostdeck imports self-contained zone files)`);
      continue;
    }
    const tokens = e.indented ? e.tokens : rest;
    let owner: string;
    if (e.indented) {
      if (!lastOwner) fail(e.line, 'a record without an owner name, and none before it');
      owner = lastOwner;
    } else owner = absolute(first, origin, 'Owner name');
    lastOwner = owner;
    let k = 0;
    let ttl: number | null = null;
    for (; k < tokens.length && k < 2; k++) {
      const raw = tokens[k]!.raw;
      const asTtl = parseTtl(raw);
      if (asTtl !== null && ttl === null) ttl = asTtl;
      else if (raw.toUpperCase() === 'IN') continue;
      else if (['CH', 'HS', 'CS'].includes(raw.toUpperCase())) fail(e.line, `class ${raw} is not supported (only IN)`);
      else break;
    }
    const typeToken = tokens[k];
    if (!typeToken) fail(e.line, 'a record without a type');
    const type = typeToken.raw.toUpperCase();
    const data = tokens.slice(k + 1);
    if (owner !== zoneAbs && !owner.endsWith(`.${zoneAbs}`)) fail(e.line, `${owner} is outside the zone ${zoneName}`);
    const name = owner === zoneAbs ? '@' : owner.slice(0, -zoneAbs.length - 1);
    if (type === 'SOA') {
      if (name !== '@') fail(e.line, 'an SOA record must be at the zone apex');
      if (data.length !== 7) fail(e.line, 'an SOA record has 7 fields: primary, mailbox, serial, refresh, retry, expire, minimum');
      const n = data.slice(2).map((t) => parseTtl(t.raw));
      if (n.some((x) => x === null)) fail(e.line, 'the SOA numbers must be numbers or TTLs like 1h');
      const serial = n[0]!;
      const s: Soa = { primary: absolute(data[0]!, origin, 'SOA primary'), email: absolute(data[1]!, origin, 'SOA mailbox'), refresh: n[1]!, retry: n[2]!, expire: n[3]!, minimum: n[4]! };
      soa = { soa: s, serial, ttl: ttl ?? defaultTtl ?? s.minimum };
      lastTtl = soa.ttl;
      continue;
    }
    const recordTtl: number | null = ttl ?? defaultTtl ?? lastTtl;
    if (recordTtl === null) fail(e.line, 'no TTL (no $TTL before it)');
    lastTtl = recordTtl;
    if (!(RECORD_TYPES as readonly string[]).includes(type)) {
      warnings.push(`Line ${e.line}: ${type.slice(0, 16)} records are not managed by Hostdeck and were left out`);
      continue;
    }
    const abs = (t: Token | undefined) => (t ? absolute(t, origin, 'Target') : fail(e.line, `${type} record is missing its target`));
    const num = (t: Token | undefined) => (t && /^\d+$/.test(t.raw) ? t.raw : fail(e.line, `${type} record needs numbers where it has "${t?.raw.slice(0, 16) ?? 'nothing'}"`));
    const want = (n: number) => {
      if (data.length !== n) fail(e.line, `${type} record has ${data.length} fields, expected ${n}`);
    };
    let value: string;
    switch (type as RecordType) {
      case 'A':
      case 'AAAA':
        want(1);
        value = plain(data[0]!, 'Address');
        break;
      case 'CNAME':
      case 'NS':
      case 'PTR':
        want(1);
        value = abs(data[0]);
        break;
      case 'MX':
        want(2);
        value = `${num(data[0])} ${abs(data[1])}`;
        break;
      case 'SRV':
        want(4);
        value = `${num(data[0])} ${num(data[1])} ${num(data[2])} ${abs(data[3])}`;
        break;
      case 'TXT':
        if (data.length === 0) fail(e.line, 'a TXT record without text');
        value = data.map(text).join('');
        break;
      case 'CAA':
        want(3);
        value = `${num(data[0])} ${plain(data[1]!, 'CAA tag')} ${quoteBytes(new TextEncoder().encode(text(data[2]!)))}`;
        break;
    }
    const parsed = DnsRecord.safeParse({ name, type, ttl: recordTtl, value });
    if (!parsed.success) fail(e.line, `${type} record: ${parsed.error.issues[0]?.message ?? 'not valid'}`);
    records.push(canonicalRecord(zoneName, parsed.data));
  }
  if (!soa) throw AppError.worded('invalid-input', msg('The file has no SOA record for {{zone}}.'), { zone: zoneName });
  const zone = ZoneSchema.safeParse({ name: zoneName, ttl: defaultTtl ?? soa.ttl, soa: canonicalSoa(zoneName, soa.soa), records });
  if (!zone.success) throw AppError.worded('invalid-input', msg('The zone is not valid: {{problem}}'), { problem: zone.error.issues[0]?.message ?? 'unknown problem' });
  const problems = Object.values(zoneProblems(zone.data));
  if (problems.length > 0) throw AppError.worded('invalid-input', msg('The zone is not valid: {{problem}}'), { problem: problems[0]! });
  return { zone: zone.data, serial: soa.serial, warnings };
}
