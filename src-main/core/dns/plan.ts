// The plan of a push: per zone, the records added, changed and removed against what was last
// pushed. A plan needs an explicit confirmation when it removes more than 30% of the records
// pushed before, or touches the apex NS records (a mistake there takes the zone off the net).
import type { ZonePlan } from '../../../shared/api/dns';
import { compareRecords, recordKey, type DnsRecord, type Zone } from '../../../shared/dns';

const DELETE_CONFIRM_SHARE = 0.3;

export function planZone(current: Zone, pushed: Zone | null): ZonePlan {
  const before = new Map((pushed?.records ?? []).map((r) => [recordKey(r), r]));
  const after = new Map(current.records.map((r) => [recordKey(r), r]));
  const changed: { from: DnsRecord; to: DnsRecord }[] = [];
  let added: DnsRecord[] = [];
  let removed: DnsRecord[] = [];
  for (const [key, r] of after) {
    const old = before.get(key);
    if (!old) added.push(r);
    else if (old.ttl !== r.ttl) changed.push({ from: old, to: r });
  }
  for (const [key, r] of before) if (!after.has(key)) removed.push(r);
  // One value of a name and type replaced by another reads as a change, not an add and a remove.
  const group = (rs: DnsRecord[]) => {
    const m = new Map<string, DnsRecord[]>();
    for (const r of rs) m.set(`${r.name} ${r.type}`, [...(m.get(`${r.name} ${r.type}`) ?? []), r]);
    return m;
  };
  const addedBy = group(added);
  const removedBy = group(removed);
  for (const [k, rs] of removedBy) {
    const as = addedBy.get(k);
    if (rs.length === 1 && as?.length === 1) changed.push({ from: rs[0]!, to: as[0]! });
  }
  const paired = new Set(changed.flatMap((c) => [c.from, c.to]));
  added = added.filter((r) => !paired.has(r)).sort(compareRecords);
  removed = removed.filter((r) => !paired.has(r)).sort(compareRecords);
  changed.sort((a, b) => compareRecords(a.to, b.to));
  const soaChanged = pushed !== null && (JSON.stringify(pushed.soa) !== JSON.stringify(current.soa) || pushed.ttl !== current.ttl);
  const reasons: string[] = [];
  if (pushed) {
    const total = pushed.records.length;
    const gone = removed.length;
    if (total > 0 && gone / total > DELETE_CONFIRM_SHARE) reasons.push(`removes ${gone} of ${total} records (more than ${Math.round(DELETE_CONFIRM_SHARE * 100)}%)`);
    const apexNs = (r: DnsRecord) => r.name === '@' && r.type === 'NS';
    if (added.some(apexNs) || removed.some(apexNs) || changed.some((c) => apexNs(c.from) || apexNs(c.to))) reasons.push('changes the apex NS records');
  }
  return {
    zone: current.name,
    isNew: pushed === null,
    added,
    changed,
    removed,
    soaChanged,
    hasChanges: pushed === null || added.length + changed.length + removed.length > 0 || soaChanged,
    confirmReasons: reasons,
  };
}
