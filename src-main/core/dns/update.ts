// A push as a dynamic update (RFC 2136, nsupdate's input): only the record sets that differ from
// what was pushed last, guarded by a prerequisite that the nameserver still holds exactly the SOA
// it was given then, with the new serial in the same message. named applies it atomically in
// milliseconds where reloading a 10,000-record zone file costs it a full parse; the task still
// checks the whole rendered zone with named-checkzone first, so what is served is what was checked.
// Every record is validated again here, where it reaches named.
import { AppError, msg } from '../../../shared/errors';
import { canonicalRecord, fqdn, Soa, ZoneName, type DnsRecord as Rec, type Zone } from '../../../shared/dns';
import type { ZonePlan } from '../../../shared/api/dns';
import { planZone } from './plan';
import { rdata, validRecord } from './render';

/** Above this many changed records a zone goes whole: one update message must stay well under 64 KiB. */
export const UPDATE_MAX_RECORDS = 300;

function soaRdata(zone: Zone, serial: number): string {
  const s = zone.soa;
  return `${s.primary} ${s.email} ${serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
}

const setKey = (r: Rec) => `${r.name.toLowerCase()}\u0000${r.type}`;

/** The zone's record sets by owner and type, only those the plan touches (a 10,000-record zone is one pass). */
function rrsets(zone: Zone, touched: Set<string>): Map<string, Rec[]> {
  const sets = new Map<string, Rec[]>();
  for (const r of zone.records) {
    if (!touched.has(setKey(r))) continue;
    const key = `${fqdn(r.name, zone.name).toLowerCase()}. ${r.type}`;
    const set = sets.get(key);
    if (set) set.push(r);
    else sets.set(key, [r]);
  }
  return sets;
}

/** A record that goes into the update, validated again and in canonical form. */
function checked(zone: string, r: Rec): Rec {
  if (!validRecord(r)) throw AppError.worded('invalid-input', msg('A {{type}} record of {{zone}} is not valid; nothing was rendered.'), { type: String(r.type).slice(0, 8), zone });
  return canonicalRecord(zone, r);
}

const line = (r: Rec, zone: string) => `${fqdn(r.name, zone)}. ${r.ttl} IN ${r.type} ${rdata(r)}`;
/** The same records (one owner and type: TTL and value decide), cheap for the common single record. */
function sameSet(a: Rec[], b: Rec[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 1) return a[0]!.ttl === b[0]!.ttl && a[0]!.value === b[0]!.value;
  const text = (rs: Rec[]) => rs.map((r) => `${r.ttl} ${r.value}`).sort().join('\n');
  return text(a) === text(b);
}

/**
 * nsupdate's lines for one zone (from `zone` to `send`) turning what was pushed at `from` into
 * `to` (`plan`: their differences, as planZone finds them), or null when the change is too large
 * for one message.
 */
export function renderUpdate(from: { zone: Zone; serial: number }, to: { zone: Zone; serial: number }, plan: ZonePlan = planZone(to.zone, from.zone)): string | null {
  const name = to.zone.name;
  if (!ZoneName.safeParse(name).success || from.zone.name !== name || !Soa.safeParse(to.zone.soa).success || !Soa.safeParse(from.zone.soa).success) {
    throw AppError.worded('invalid-input', msg('Zone {{zone}} is not valid; nothing was rendered.'), { zone: name.slice(0, 64) });
  }
  for (const serial of [from.serial, to.serial]) if (!Number.isInteger(serial) || serial < 0 || serial > 0xffffffff) throw AppError.worded('invalid-input', msg('Serial {{serial}} is out of range.'), { serial: String(serial) });
  const changes = [...plan.added, ...plan.removed, ...plan.changed.flatMap((c) => [c.from, c.to])];
  if (changes.length > UPDATE_MAX_RECORDS) return null;
  const touched = new Set(changes.map(setKey));
  const before = rrsets(from.zone, touched);
  const after = rrsets(to.zone, touched);
  const lines = [`zone ${name}.`, `prereq yxrrset ${name}. IN SOA ${soaRdata(from.zone, from.serial)}`];
  let records = 0;
  for (const [key, gone] of before) {
    if (after.has(key)) continue;
    checked(name, gone[0]!);
    lines.push(`update delete ${key}`);
    records += gone.length;
  }
  for (const [key, raw] of after) {
    const was = before.get(key);
    if (was && sameSet(was, raw)) continue;
    const set = raw.map((r) => checked(name, r));
    const old = was?.map((r) => checked(name, r));
    records += set.length + (old?.length ?? 0);
    if (old && key === `${name.toLowerCase()}. NS`) {
      // Deleting the whole apex NS set is ignored by the server (RFC 2136 3.4.2.3): the new names
      // go in first, then each old one that is not kept.
      const kept = new Set(set.map((r) => rdata(r).toLowerCase()));
      for (const r of set) lines.push(`update add ${line(r, name)}`);
      for (const r of old) if (!kept.has(rdata(r).toLowerCase())) lines.push(`update delete ${fqdn(r.name, name)}. IN NS ${rdata(r)}`);
      continue;
    }
    if (old) lines.push(`update delete ${key}`);
    for (const r of set) lines.push(`update add ${line(r, name)}`);
  }
  if (records > UPDATE_MAX_RECORDS) return null;
  lines.push(`update add ${name}. ${to.zone.ttl} IN SOA ${soaRdata(to.zone, to.serial)}`, 'send');
  return `${lines.join('\n')}\n`;
}
