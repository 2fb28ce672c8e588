// DNS zones and records (README "DNS"): the schemas, the per-type validation and
// the canonical form every record is stored in, so rendering a zone file is a pure function of
// the records. Pure: no node, no DOM (TextEncoder/TextDecoder are in both).
//
// A record is {name, type, ttl, value}: `name` is relative to the zone ('@' is the apex), `value`
// is the record's data in presentation form — except TXT, whose value is the text itself (the
// renderer quotes, escapes and splits it). Names are stored lowercase and absolute targets end
// with a dot. Nothing anywhere may carry a newline or a control character: that is how a value
// could add lines ($INCLUDE, another record) to a zone file.
import { z } from 'zod';
import { CONTROL_CHARS, IPV4 } from './validation';

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'PTR'] as const;
export const RecordType = z.enum(RECORD_TYPES);
export type RecordType = z.infer<typeof RecordType>;

const TTL_MAX = 2_147_483_647;
/** Longest TXT text accepted (it is split into 255-byte character-strings). */
const TXT_MAX_BYTES = 4000;

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;
const HOST_LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?$/;

const encoder = new TextEncoder();

export const Ttl = z
  .number({ error: 'TTL must be a number of seconds' })
  .int('TTL must be a whole number of seconds')
  .min(0, 'TTL must be 0 or more')
  .max(TTL_MAX, `TTL must be at most ${TTL_MAX}`);

function noControl(v: string): boolean {
  return !CONTROL_CHARS.test(v);
}

/** Why a domain name (without trailing dot) is not acceptable, or null. */
function nameProblem(name: string, label: RegExp, what: string): string | null {
  if (name.length === 0) return `${what} is required`;
  if (name.length > 253) return `${what} is too long (at most 253 characters)`;
  const labels = name.split('.');
  for (const l of labels) {
    if (l.length === 0) return `${what} has an empty label (two dots or a leading dot)`;
    if (l.length > 63) return `${what} has a label longer than 63 characters`;
    if (!label.test(l)) return `${what} may use letters, digits, "-" and "_" in dot-separated labels (no "-" at either end)`;
  }
  return null;
}

/** A zone's name: lowercase labels, no trailing dot (e.g. example.com, 2.0.192.in-addr.arpa). */
export const ZoneName = z
  .string({ error: 'Zone name is required' })
  .max(253, 'Zone name is too long (at most 253 characters)')
  .refine(noControl, 'Zone name must not contain line breaks or control characters')
  .refine((v) => v === v.toLowerCase(), 'Zone name must be lowercase')
  .superRefine((v, ctx) => {
    const p = nameProblem(v, HOST_LABEL, 'Zone name');
    if (p) ctx.addIssue({ code: 'custom', message: p });
    else if (!v.includes('.')) ctx.addIssue({ code: 'custom', message: 'Zone name needs at least two labels (like example.com)' });
  });

/** Why an owner name relative to its zone ('@', 'www', '*.dev', '_sip._tcp') is not acceptable, or null. */
export function ownerProblem(name: string): string | null {
  if (!noControl(name)) return 'Name must not contain line breaks or control characters';
  if (name === '@') return null;
  if (name === '') return 'Name is required ("@" for the zone itself)';
  if (name.endsWith('.')) return 'Name is relative to the zone: leave out the zone and the trailing dot ("@" for the zone itself)';
  const rest = name.startsWith('*.') ? name.slice(2) : name === '*' ? '' : name;
  if (rest === '') return null;
  if (rest.includes('*')) return 'A wildcard "*" may only be the first label';
  if (rest !== rest.toLowerCase()) return 'Name must be lowercase';
  return nameProblem(rest, LABEL, 'Name');
}

const OwnerName = z
  .string({ error: 'Name is required' })
  .max(253, 'Name is too long (at most 253 characters)')
  .superRefine((v, ctx) => {
    const p = ownerProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const DnsRecord = z
  .object({
    name: OwnerName,
    type: RecordType,
    ttl: Ttl,
    value: z.string({ error: 'Value is required' }).max(TXT_MAX_BYTES * 2, 'Value is too long'),
  })
  .strict()
  .superRefine((r, ctx) => {
    const p = valueProblem(r.type, r.value);
    if (p) ctx.addIssue({ code: 'custom', path: ['value'], message: p });
  });
export type DnsRecord = z.infer<typeof DnsRecord>;

export const Soa = z
  .object({
    /** The primary nameserver (MNAME), absolute with a trailing dot. */
    primary: z.string().max(254).superRefine((v, ctx) => {
      const p = targetProblem(v, 'Primary nameserver');
      if (p) ctx.addIssue({ code: 'custom', message: p });
    }),
    /** The responsible mailbox (RNAME) as a name, e.g. hostmaster.example.com. (an address with @ is converted). */
    email: z.string().max(254).superRefine((v, ctx) => {
      const p = emailProblem(v);
      if (p) ctx.addIssue({ code: 'custom', message: p });
    }),
    refresh: z.number().int().min(60, 'At least 60 s').max(TTL_MAX),
    retry: z.number().int().min(60, 'At least 60 s').max(TTL_MAX),
    expire: z.number().int().min(60, 'At least 60 s').max(TTL_MAX),
    /** Negative-caching TTL. */
    minimum: Ttl,
  })
  .strict();
export type Soa = z.infer<typeof Soa>;

export const Zone = z
  .object({
    name: ZoneName,
    /** $TTL: the default TTL (new records start with it). */
    ttl: Ttl,
    soa: Soa,
    records: z.array(DnsRecord).max(200_000, 'At most 200,000 records in one zone'),
  })
  .strict();
export type Zone = z.infer<typeof Zone>;

// ---- per-type values --------------------------------------------------------------------------

function targetProblem(v: string, what: string): string | null {
  if (!noControl(v)) return `${what} must not contain line breaks or control characters`;
  if (v === '.') return null;
  const name = v.endsWith('.') ? v.slice(0, -1) : v;
  return nameProblem(name.toLowerCase(), HOST_LABEL, what);
}

function emailProblem(v: string): string | null {
  if (!noControl(v)) return 'Mailbox must not contain line breaks or control characters';
  if (v.includes('@')) {
    const [local, domain, ...more] = v.split('@');
    if (more.length > 0 || !local || !domain) return 'Mailbox must look like hostmaster@example.com';
    if (!/^[a-z0-9_+-]{1,63}$/i.test(local)) return 'The mailbox name may use letters, digits, "_", "+" and "-"';
    return targetProblem(domain, 'Mailbox domain');
  }
  return targetProblem(v, 'Mailbox');
}

function u16(v: string | undefined, what: string): string | null {
  if (v === undefined || !/^\d{1,5}$/.test(v) || Number(v) > 65535) return `${what} must be a number from 0 to 65535`;
  return null;
}

/** Canonical IPv6 (RFC 5952: lowercase, leading zeros dropped, the longest zero run as ::), or null. */
export function canonicalIpv6(v: string): string | null {
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(v)) return null;
  let groups: number[] = [];
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        if (!IPV4.test(piece)) return null;
        const b = piece.split('.').map(Number);
        out.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const halves = v.split('::');
  if (halves.length > 2) return null;
  if (halves.length === 2) {
    const a = parse(halves[0]!);
    const b = parse(halves[1]!);
    if (!a || !b || a.length + b.length > 7) return null;
    groups = [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b];
  } else {
    const a = parse(v);
    if (!a || a.length !== 8) return null;
    groups = a;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Tokens of presentation-format data: whitespace-separated, "quoted strings" with \" \\ \DDD escapes. */
export function tokenize(text: string): { text: string; quoted: boolean }[] | string {
  const out: { text: string; quoted: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const quoted = c === '"';
    if (quoted) i++;
    const bytes: number[] = [];
    let closed = !quoted;
    while (i < text.length) {
      const d = text[i]!;
      if (quoted && d === '"') {
        closed = true;
        i++;
        break;
      }
      if (!quoted && (d === ' ' || d === '\t')) break;
      if (!quoted && d === '"') return 'A quote may only start a value';
      if (d === '\\') {
        const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4));
        if (digits) {
          const n = Number(digits[0]);
          if (n > 255) return `\\${digits[0]} is not a byte`;
          bytes.push(n);
          i += 4;
          continue;
        }
        if (i + 1 >= text.length) return 'A backslash must escape something';
        for (const b of encoder.encode(text[i + 1]!)) bytes.push(b);
        i += 2;
        continue;
      }
      const cp = text.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      for (const b of encoder.encode(ch)) bytes.push(b);
      i += ch.length;
    }
    if (!closed) return 'A quoted value is not closed';
    out.push({ text: new TextDecoder().decode(new Uint8Array(bytes)), quoted });
  }
  return out;
}

/** Quotes one character-string: `"` and `\` escaped, bytes outside printable ASCII as \DDD. */
export function quoteBytes(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b > 0x7e) s += `\\${String(b).padStart(3, '0')}`;
    else s += String.fromCharCode(b);
  }
  return `${s}"`;
}

/** TXT text as character-strings of at most 255 bytes each, quoted and escaped. */
export function txtStrings(text: string): string[] {
  const bytes = encoder.encode(text);
  if (bytes.length === 0) return ['""'];
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 255) out.push(quoteBytes(bytes.subarray(i, i + 255)));
  return out;
}

/** Why a value is not acceptable for its type, or null. Relative targets are allowed (made absolute by canonicalRecord). */
export function valueProblem(type: RecordType, value: string): string | null {
  if (!noControl(value)) return 'Value must not contain line breaks or control characters';
  const fields = value.trim().split(/[ \t]+/).filter(Boolean);
  switch (type) {
    case 'A':
      return IPV4.test(value) ? null : 'An IPv4 address like 192.0.2.10';
    case 'AAAA':
      return canonicalIpv6(value) ? null : 'An IPv6 address like 2001:db8::10';
    case 'CNAME':
    case 'NS':
    case 'PTR':
      if (value === '.') return 'A host name is required';
      return targetProblem(value, 'Target');
    case 'MX':
      if (fields.length !== 2) return 'Preference and mail server, like "10 mail.example.com."';
      return u16(fields[0], 'Preference') ?? targetProblem(fields[1]!, 'Mail server');
    case 'SRV':
      if (fields.length !== 4) return 'Priority, weight, port and target, like "10 5 5060 sip.example.com."';
      return u16(fields[0], 'Priority') ?? u16(fields[1], 'Weight') ?? u16(fields[2], 'Port') ?? targetProblem(fields[3]!, 'Target');
    case 'TXT':
      if (encoder.encode(value).length > TXT_MAX_BYTES) return `Text is too long (at most ${TXT_MAX_BYTES} bytes)`;
      return null;
    case 'CAA': {
      const tokens = tokenize(value);
      if (typeof tokens === 'string') return tokens;
      if (tokens.length !== 3 || tokens[0]!.quoted || tokens[1]!.quoted) return 'Flags, tag and value, like 0 issue "letsencrypt.org"';
      if (!/^\d{1,3}$/.test(tokens[0]!.text) || Number(tokens[0]!.text) > 255) return 'Flags must be a number from 0 to 255';
      if (!/^[a-z0-9]{1,15}$/i.test(tokens[1]!.text)) return 'Tag must be letters and digits (issue, issuewild, iodef)';
      if (encoder.encode(tokens[2]!.text).length > 255) return 'CAA value is too long (at most 255 bytes)';
      if (!noControl(tokens[2]!.text)) return 'Value must not contain line breaks or control characters';
      return null;
    }
  }
}

function absolute(target: string, zone: string): string {
  if (target === '.') return '.';
  const t = target.toLowerCase();
  if (t.endsWith('.')) return t;
  if (t === '@') return `${zone}.`;
  return `${t}.${zone}.`;
}

/** The record in its stored form: lowercase names, absolute targets, compressed IPv6, CAA re-quoted. Assumes valueProblem passed. */
export function canonicalRecord(zone: string, r: DnsRecord): DnsRecord {
  const f = r.value.trim().split(/[ \t]+/);
  let value = r.value;
  switch (r.type) {
    case 'AAAA':
      value = canonicalIpv6(r.value)!;
      break;
    case 'CNAME':
    case 'NS':
    case 'PTR':
      value = absolute(r.value.trim(), zone);
      break;
    case 'MX':
      value = `${Number(f[0])} ${absolute(f[1]!, zone)}`;
      break;
    case 'SRV':
      value = `${Number(f[0])} ${Number(f[1])} ${Number(f[2])} ${absolute(f[3]!, zone)}`;
      break;
    case 'CAA': {
      const t = tokenize(r.value) as { text: string }[];
      value = `${Number(t[0]!.text)} ${t[1]!.text.toLowerCase()} ${quoteBytes(encoder.encode(t[2]!.text))}`;
      break;
    }
    default:
      break;
  }
  return { name: r.name.toLowerCase(), type: r.type, ttl: r.ttl, value };
}

/** The SOA in stored form (absolute lowercase names; a mailbox address turned into a name). */
export function canonicalSoa(zone: string, soa: Soa): Soa {
  const email = soa.email.includes('@') ? soa.email.replace('@', '.').replace(/\.?$/, '.') : soa.email;
  return { ...soa, primary: absolute(soa.primary, zone), email: absolute(email, zone) };
}

/** Full name of an owner in a zone, without trailing dot. */
export function fqdn(name: string, zone: string): string {
  return name === '@' ? zone : `${name}.${zone}`;
}

export function recordKey(r: DnsRecord): string {
  return `${r.name}\u0000${r.type}\u0000${r.value}`;
}

/**
 * Zone-wide problems, as field paths (records.<i>.name / .value, or "records") -> message:
 * CNAME exclusivity (no other data beside a CNAME, not at the apex), duplicates, names too long
 * in the zone, an apex NS, SRV owners of the _service._proto form.
 */
export function zoneProblems(zone: Zone): Record<string, string> {
  const problems: Record<string, string> = {};
  const byName = new Map<string, number[]>();
  const seen = new Map<string, number>();
  zone.records.forEach((r, i) => {
    byName.set(r.name, [...(byName.get(r.name) ?? []), i]);
    const key = recordKey(r);
    if (seen.has(key)) problems[`records.${i}.value`] = `The same ${r.type} record is already there (row ${seen.get(key)! + 1})`;
    else seen.set(key, i);
    if (fqdn(r.name, zone.name).length > 253) problems[`records.${i}.name`] = 'Name with the zone is longer than 253 characters';
    if (r.type === 'SRV' && !/^_[a-z0-9-]+\._(tcp|udp|tls|sctp)(\.|$)/.test(r.name)) problems[`records.${i}.name`] = 'An SRV name starts with _service._proto (like _sip._tcp)';
  });
  for (const [name, idx] of byName) {
    const cnames = idx.filter((i) => zone.records[i]!.type === 'CNAME');
    if (cnames.length === 0) continue;
    if (name === '@') problems[`records.${cnames[0]}.name`] = 'A CNAME cannot be at the zone apex (it holds the SOA and NS records)';
    else if (cnames.length > 1) problems[`records.${cnames[1]}.value`] = `"${name}" already has a CNAME; a name has at most one`;
    else if (idx.length > 1) problems[`records.${cnames[0]}.name`] = `"${name}" has other records; a CNAME must be the only record of its name`;
  }
  if (!zone.records.some((r) => r.name === '@' && r.type === 'NS')) problems.records = 'The zone needs at least one NS record at its apex (@)';
  return problems;
}

/** Sorting records for display and rendering: apex first, then by name, type, value. */
export function compareRecords(a: DnsRecord, b: DnsRecord): number {
  if (a.name !== b.name) return a.name === '@' ? -1 : b.name === '@' ? 1 : a.name < b.name ? -1 : 1;
  if (a.type !== b.type) return RECORD_TYPES.indexOf(a.type) - RECORD_TYPES.indexOf(b.type);
  return a.value < b.value ? -1 : a.value > b.value ? 1 : a.ttl - b.ttl;
}

/** DNS settings of a nameserver (a server with the `ns` role): where its zones live and how to reload. */
const AbsPath = z
  .string({ error: 'Path is required' })
  .max(255, 'Path is too long (at most 255 characters)')
  .regex(/^(\/[A-Za-z0-9_.][A-Za-z0-9._-]{0,63})+$/, 'An absolute path of letters, digits, ".", "_" and "-" (like /etc/bind/named.conf)')
  .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), 'No "." or ".." segments');

export const NsSettings = z
  .object({
    /** Where the zone files go (db.<zone>). */
    zoneDir: AbsPath,
    /** The file of zone stanzas Hostdeck keeps; named.conf must include it. */
    zonesConf: AbsPath,
    /** named.conf as named-checkconf checks it. */
    namedConf: AbsPath,
    /** rndc's config file (-c), or null for rndc's default. */
    rndcConf: AbsPath.nullable(),
    /** Where to ask the nameserver over DNS: null = the server's SSH host. */
    queryHost: z.string().max(253).refine((v) => /^[A-Za-z0-9.:-]+$/.test(v), 'A host name or an IP address').nullable(),
    queryPort: z.number().int().min(1, 'Port must be between 1 and 65535').max(65535, 'Port must be between 1 and 65535'),
  })
  .strict();
export type NsSettings = z.infer<typeof NsSettings>;

/** Debian's BIND layout. */
export const DEFAULT_NS_SETTINGS: NsSettings = { zoneDir: '/var/lib/bind', zonesConf: '/etc/bind/named.conf.hostdeck', namedConf: '/etc/bind/named.conf', rndcConf: null, queryHost: null, queryPort: 53 };
