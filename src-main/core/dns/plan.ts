// The plan of a push: per zone, the records added, changed and removed against what was last
// pushed. A plan needs an explicit confirmation when it removes more than 30% of the records
// pushed before, or touches the apex NS records (a mistake there takes the zone off the net).
import type { ZonePlan } from '../../../shared/api/dns';
import { compareRecords, recordKey, type DnsRecord, type Zone } from '../../../shared/dns';

const DELETE_CONFIRM_SHARE = 0.3;

const same = (a: DnsRecord, b: DnsRecord) => a === b || (a.name === b.name && a.type === b.type && a.value === b.value && a.ttl === b.ttl);

/** Records added, removed, and kept with another TTL, by key (name, type, value). */
function keyDiff(beforeList: DnsRecord[], afterList: DnsRecord[]): { added: DnsRecord[]; removed: DnsRecord[]; changed: { from: DnsRecord; to: DnsRecord }[] } {
  const before = new Map(beforeList.map((r) => [recordKey(r), r]));
  const after = new Map(afterList.map((r) => [recordKey(r), r]));
  const changed: { from: DnsRecord; to: DnsRecord }[] = [];
  const added: DnsRecord[] = [];
  const removed: DnsRecord[] = [];
  for (const [key, r] of after) {
    const old = before.get(key);
    if (!old) added.push(r);
    else if (old.ttl !== r.ttl) changed.push({ from: old, to: r });
  }
  for (const [key, r] of before) if (!after.has(key)) removed.push(r);
  return { added, removed, changed };
}

/**
 * keyDiff, cheaply for the common edit: the records both lists share at their start and end
 * (position by position) are set aside and only the middle is compared by key. A difference in
 * the middle whose key is also among those set aside (possible only in a zone with duplicates,
 * which validation refuses but an import may carry) sends the whole lists through keyDiff.
 */
function diff(beforeList: DnsRecord[], afterList: DnsRecord[]): ReturnType<typeof keyDiff> {
  let start = 0;
  const n = Math.min(beforeList.length, afterList.length);
  while (start < n && same(beforeList[start]!, afterList[start]!)) start++;
  let end = 0;
  while (end < n - start && same(beforeList[beforeList.length - 1 - end]!, afterList[afterList.length - 1 - end]!)) end++;
  if (start + end === 0) return keyDiff(beforeList, afterList);
  const middle = keyDiff(beforeList.slice(start, beforeList.length - end), afterList.slice(start, afterList.length - end));
  const odd = [...middle.added, ...middle.removed, ...middle.changed.map((c) => c.to)];
  if (odd.length === 0) return middle;
  if (odd.length > 64) return keyDiff(beforeList, afterList);
  // Both lists' set-aside records are the same ones: the earlier list's are checked.
  const clash = (r: DnsRecord) => odd.some((o) => o.name === r.name && o.type === r.type && o.value === r.value);
  for (let i = 0; i < start; i++) if (clash(beforeList[i]!)) return keyDiff(beforeList, afterList);
  for (let i = beforeList.length - end; i < beforeList.length; i++) if (clash(beforeList[i]!)) return keyDiff(beforeList, afterList);
  return middle;
}

export function planZone(current: Zone, pushed: Zone | null): ZonePlan {
  const raw = diff(pushed?.records ?? [], current.records);
  const changed = raw.changed;
  let added = raw.added;
  let removed = raw.removed;
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
