// Alert thresholds per role, judged against each server's latest sample: a server over a limit
// (under it for certificate days) needs action (red), and health's usual change notifications
// follow. A role's own limit replaces the limit for all servers. Kept in a small JSON file in
// the data directory (numbers only).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NO_LIMITS, Thresholds, type SampleMetric } from '../../../shared/api/fleet';
import { ROLES, type Role } from '../../../shared/domain';
import type { Sample } from './samples';

export const DEFAULT_THRESHOLDS: Thresholds = { all: { ...NO_LIMITS }, web: { ...NO_LIMITS }, db: { ...NO_LIMITS }, ftp: { ...NO_LIMITS }, ns: { ...NO_LIMITS } };

const WHAT: Record<SampleMetric, (v: number) => string> = {
  load: (v) => `load ${v.toFixed(2)}`,
  memoryPct: (v) => `memory ${Math.round(v)}% used`,
  diskPct: (v) => `fullest disk ${Math.round(v)}% used`,
  certDays: (v) => `nearest certificate expiry in ${Math.floor(v)} days`,
  backupAgeH: (v) => `last backup ${Math.round(v)} h ago`,
};

const UNIT: Record<SampleMetric, string> = { load: '', memoryPct: '%', diskPct: '%', certDays: ' days', backupAgeH: ' h' };

/** The limit in force per metric for a server of these roles, and whose it is (a role's, or all servers'). */
export function limitsFor(thresholds: Thresholds, roles: readonly Role[]): { metric: SampleMetric; limit: number; of: string }[] {
  const out: { metric: SampleMetric; limit: number; of: string }[] = [];
  for (const metric of Object.keys(NO_LIMITS) as SampleMetric[]) {
    // Of several roles with their own limit, the strictest holds.
    const own = ROLES.filter((r) => roles.includes(r) && thresholds[r][metric] !== null).map((r) => ({ limit: thresholds[r][metric]!, of: `${r} servers'` }));
    const candidates = own.length ? own : thresholds.all[metric] !== null ? [{ limit: thresholds.all[metric]!, of: 'fleet' }] : [];
    if (!candidates.length) continue;
    const strictest = candidates.reduce((a, b) => ((metric === 'certDays' ? b.limit > a.limit : b.limit < a.limit) ? b : a));
    out.push({ metric, ...strictest });
  }
  return out;
}

/** Sentences for each limit the sample breaks, e.g. "fullest disk 93% used, over the db servers' limit of 90%". */
export function breaches(thresholds: Thresholds, roles: readonly Role[], sample: Sample | null): string[] {
  if (!sample) return [];
  return limitsFor(thresholds, roles).flatMap(({ metric, limit, of }) => {
    const v = sample[metric];
    if (v === null) return [];
    const low = metric === 'certDays';
    if (low ? v >= limit : v <= limit) return [];
    return [`${WHAT[metric](v)}, ${low ? 'under' : 'over'} the ${of} limit of ${limit}${UNIT[metric]}`];
  });
}

export class ThresholdStore {
  private readonly file: string;
  private current: Thresholds;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'health-thresholds.json');
    let read: Thresholds = DEFAULT_THRESHOLDS;
    try {
      const parsed = Thresholds.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (parsed.success) read = parsed.data;
    } catch {
      /* none saved yet */
    }
    this.current = read;
  }

  get(): Thresholds {
    return this.current;
  }

  set(thresholds: Thresholds): Thresholds {
    writeFileSync(`${this.file}.tmp`, `${JSON.stringify(thresholds, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
    this.current = thresholds;
    return thresholds;
  }
}
