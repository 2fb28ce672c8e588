// The audit's hash chain, the same for the local file and the team's audit table: each entry
// carries `seq` (its place), `prev` (the previous entry's hash) and `hash`, SHA-256 over a
// canonical serialisation of everything else in the entry plus prev. Changing an entry breaks
// its own hash; removing, inserting or reordering entries (even re-hashed ones) breaks the next
// entry's prev. Only truncating the newest entries leaves no trace in the chain itself: the
// team table keeps the head in a row of its own for that.
import { createHash } from 'node:crypto';
import type { AuditVerdict } from '../../../shared/api/db';

export const GENESIS = '0'.repeat(64);

export type ChainLinks = { seq: number; prev: string; hash: string };

/** JSON with object keys sorted at every level: the same bytes whatever order the fields were set in. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** The hash of an entry: everything but `hash` itself, `seq` and `prev` included. */
export function entryHash(entry: Record<string, unknown>): string {
  const { hash: _ignored, ...rest } = entry;
  return createHash('sha256').update(canonical(rest)).digest('hex');
}

/** The entry with its links, chained after `head` (null: the first entry of the chain). */
export function chain<T extends Record<string, unknown>>(entry: T, head: ChainLinks | null): T & ChainLinks {
  const linked = { ...entry, seq: head ? head.seq + 1 : 1, prev: head ? head.hash : GENESIS };
  return { ...linked, hash: entryHash(linked) };
}

export function isChained(entry: unknown): entry is Record<string, unknown> & ChainLinks {
  const e = entry as Partial<ChainLinks> | null;
  return typeof e === 'object' && e !== null && typeof e.hash === 'string' && typeof e.prev === 'string' && typeof e.seq === 'number';
}

/** One line or row as read: parsed (null when it does not parse) with the time to name it by. */
export type ReadEntry = { value: Record<string, unknown> | null };

const at = (e: Record<string, unknown> | null) => (e && typeof e.at === 'string' ? e.at : null);

/**
 * Walks the chain oldest first. Unchained entries before the first chained one were written
 * before the chain started (counted, not failures); a line that does not parse is a torn write
 * when the chain runs on across it, else damage. Stops at the first break and says what broke.
 */
export function verifyChain(entries: ReadEntry[], expectedHead: ChainLinks | null = null): AuditVerdict {
  let beforeChain = 0;
  let torn = 0;
  let verified = 0;
  let last: (Record<string, unknown> & ChainLinks) | null = null;
  const seen = new Map<string, number>();
  const broken = (index: number, problem: NonNullable<AuditVerdict['broken']>['problem'], detail: string, e: Record<string, unknown> | null): AuditVerdict => ({
    verified,
    beforeChain,
    torn,
    broken: { index, at: at(e), problem, detail },
  });

  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!.value;
    if (e === null) {
      torn++;
      continue;
    }
    if (!isChained(e)) {
      if (last === null) {
        beforeChain++;
        continue;
      }
      return broken(i, 'inserted', 'An entry without a hash sits inside the chain.', e);
    }
    if (entryHash(e) !== e.hash) return broken(i, 'changed', 'Its content no longer matches its hash: a field was changed after it was written.', e);
    const expectPrev = last ? last.hash : GENESIS;
    const expectSeq = last ? last.seq + 1 : 1;
    if (e.prev !== expectPrev) {
      const earlier = seen.get(e.prev);
      if (e.seq === expectSeq && earlier === undefined && last !== null) {
        return broken(i - 1, 'changed', `The entry before it was changed and re-hashed: entry ${e.seq} recorded another hash for it.`, entries[i - 1]?.value ?? null);
      }
      if (earlier !== undefined && e.seq === (entries[earlier]!.value as ChainLinks).seq + 1) {
        return broken(earlier + 1, 'inserted', `${i - earlier - 1} entr${i - earlier - 1 === 1 ? 'y was' : 'ies were'} inserted after entry ${e.seq - 1}.`, entries[earlier + 1]?.value ?? null);
      }
      const later = entries.slice(i + 1).findIndex((x) => isChained(x.value) && x.value.seq === expectSeq);
      if (later >= 0) return broken(i, 'reordered', `Entry ${e.seq} is out of place: entry ${expectSeq} comes ${later + 1} line${later ? 's' : ''} later.`, e);
      if (e.seq > expectSeq) {
        const n = e.seq - expectSeq;
        return broken(i, 'removed', `${n} entr${n === 1 ? 'y' : 'ies'} before it (number ${expectSeq}${n > 1 ? `–${e.seq - 1}` : ''}) ${n === 1 ? 'was' : 'were'} removed.`, e);
      }
      return broken(i, 'reordered', `Entry ${e.seq} is out of place: entry ${expectSeq} was expected here.`, e);
    }
    if (e.seq !== expectSeq) return broken(i, 'changed', `Its number (${e.seq}) is not the next one (${expectSeq}).`, e);
    seen.set(e.hash, i);
    last = e;
    verified++;
  }
  if (expectedHead && expectedHead.seq > 0 && (!last || last.seq < expectedHead.seq)) {
    const n = expectedHead.seq - (last?.seq ?? 0);
    return { verified, beforeChain, torn, broken: { index: entries.length, at: null, problem: 'removed', detail: `The newest ${n} entr${n === 1 ? 'y was' : 'ies were'} removed (the head records number ${expectedHead.seq}).` } };
  }
  if (expectedHead && last && expectedHead.hash !== last.hash) {
    return { verified, beforeChain, torn, broken: { index: entries.length - 1, at: at(last), problem: 'changed', detail: 'The newest entry is not the one the head records.' } };
  }
  return { verified, beforeChain, torn, broken: null };
}
