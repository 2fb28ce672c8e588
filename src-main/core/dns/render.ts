// A zone file from a zone, deterministically: the same zone and serial give the same bytes
// (records sorted, fixed columns, absolute owner names with trailing dots, TXT split into
// quoted 255-byte character-strings). Every value is validated again here — this is where a
// value reaches a file named reads — so a record that slipped past the contract cannot add a line.
import { AppError, msg } from '../../../shared/errors';
import { compareRecords, DnsRecord, fqdn, Soa, txtStrings, Zone, ZoneName, type DnsRecord as Rec } from '../../../shared/dns';

/** Records already found valid (by content), so a push of a large zone re-checks only what changed. */
const valid = new Set<string>();
const VALID_MAX = 200_000;

/** Whether a record passes the contract's checks, remembered by content. */
export function validRecord(r: Rec): boolean {
  const key = `${r.name}\u0000${r.type}\u0000${r.ttl}\u0000${r.value}`;
  if (valid.has(key)) return true;
  if (!DnsRecord.safeParse(r).success) return false;
  if (valid.size >= VALID_MAX) valid.clear();
  valid.add(key);
  return true;
}

/** A record's data as a zone file and nsupdate read it. */
export function rdata(r: Rec): string {
  return r.type === 'TXT' ? txtStrings(r.value).join(' ') : r.value;
}

export function renderZone(zone: Zone, serial: number): string {
  if (!ZoneName.safeParse(zone.name).success || !Soa.safeParse(zone.soa).success) throw AppError.worded('invalid-input', msg('Zone {{zone}} is not valid; nothing was rendered.'), { zone: zone.name.slice(0, 64) });
  if (!Number.isInteger(serial) || serial < 0 || serial > 0xffffffff) throw AppError.worded('invalid-input', msg('Serial {{serial}} is out of range.'), { serial: String(serial) });
  const origin = `${zone.name}.`;
  const s = zone.soa;
  const lines = [
    `; ${zone.name}: written by Hostdeck, serial ${serial}; edits here are replaced by the next push`,
    `$ORIGIN ${origin}`,
    `$TTL ${zone.ttl}`,
    `${origin} ${zone.ttl} IN SOA ${s.primary} ${s.email} ${serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`,
  ];
  const records = [...zone.records].sort(compareRecords);
  for (const r of records) {
    if (!validRecord(r)) throw AppError.worded('invalid-input', msg('A {{type}} record of {{zone}} is not valid; nothing was rendered.'), { type: String(r.type).slice(0, 8), zone: zone.name });
    lines.push(`${fqdn(r.name, zone.name)}. ${r.ttl} IN ${r.type} ${rdata(r)}`);
  }
  return `${lines.join('\n')}\n`;
}
