// From health results to samples (one per server per tick), and from recorded samples to chart
// columns: one server's, or the fleet's median and worst per time bucket.
import { SAMPLE_METRICS, type FleetSeries, type SampleMetric, type SampleRange, type ServerSeries } from '../../../shared/api/fleet';
import type { ServerHealth } from '../../../shared/api/health';
import { BUCKET_S, DAY_S, WEEK_S, type Sample, type SampleStore } from './samples';

/** The extras health does not measure itself, for one server (null: none known). */
export type SampleExtras = { certDays: number | null; backupAgeH: number | null };

/** A sample of one checked server; null when the check measured nothing (down, not checked). */
export function sampleOf(health: ServerHealth, extras: SampleExtras, nowS: number): Sample | null {
  if (!health.checkedAt || (!health.load && !health.memory && !health.disks.length)) return null;
  const memory = health.memory && health.memory.totalKb > 0 ? (1 - health.memory.availableKb / health.memory.totalKb) * 100 : null;
  const disk = health.disks.length ? Math.max(...health.disks.map((d) => d.usedPct)) : null;
  return { t: nowS, load: health.load?.one ?? null, memoryPct: memory, diskPct: disk, certDays: extras.certDays, backupAgeH: extras.backupAgeH };
}

/** Where a range starts, and the bucket the fleet's series is cut in (1 min over 24 h, 5 min over 7 d). */
export function rangeOf(range: SampleRange, nowS: number): { fromS: number; stepS: number } {
  return range === '24h' ? { fromS: nowS - DAY_S, stepS: 60 } : { fromS: nowS - WEEK_S, stepS: BUCKET_S };
}

export function columns(samples: readonly Sample[]): ServerSeries {
  const out: ServerSeries = { t: samples.map((s) => s.t), load: [], memoryPct: [], diskPct: [], certDays: [], backupAgeH: [] };
  for (const m of SAMPLE_METRICS) out[m] = samples.map((s) => (s[m] === null ? null : round(s[m]!)));
  return out;
}

const round = (v: number): number => Math.round(v * 100) / 100;

/** Worst is the highest value, except for certificates, where the fewest days left is worst. */
const worstOf = (m: SampleMetric, values: number[]): number => (m === 'certDays' ? Math.min(...values) : Math.max(...values));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per bucket of stepS: each server's average in it, then the median and the worst over servers. */
export function fleetColumns(perServer: readonly (readonly Sample[])[], stepS: number): FleetSeries {
  const buckets = new Map<number, Map<SampleMetric, number[]>>();
  for (const samples of perServer) {
    const mine = new Map<number, Map<SampleMetric, number[]>>();
    for (const s of samples) {
      const key = Math.floor(s.t / stepS) * stepS;
      let byMetric = mine.get(key);
      if (!byMetric) mine.set(key, (byMetric = new Map()));
      for (const m of SAMPLE_METRICS) if (s[m] !== null) (byMetric.get(m) ?? byMetric.set(m, []).get(m)!).push(s[m]!);
    }
    for (const [key, byMetric] of mine) {
      let all = buckets.get(key);
      if (!all) buckets.set(key, (all = new Map()));
      for (const [m, values] of byMetric) (all.get(m) ?? all.set(m, []).get(m)!).push(values.reduce((a, b) => a + b, 0) / values.length);
    }
  }
  const keys = [...buckets.keys()].sort((a, b) => a - b);
  const empty = () => ({ load: [], memoryPct: [], diskPct: [], certDays: [], backupAgeH: [] }) as Omit<ServerSeries, 't'>;
  const out: FleetSeries = { t: keys, stepS, servers: perServer.filter((s) => s.length).length, median: empty(), worst: empty() };
  for (const key of keys) {
    const all = buckets.get(key)!;
    for (const m of SAMPLE_METRICS) {
      const values = all.get(m);
      out.median[m].push(values?.length ? round(median(values)) : null);
      out.worst[m].push(values?.length ? round(worstOf(m, values)) : null);
    }
  }
  return out;
}

export function serverSeries(store: SampleStore, serverId: string, range: SampleRange, nowS: number): ServerSeries {
  return columns(store.series(serverId, rangeOf(range, nowS).fromS, range === '24h' ? 'tick' : '5m'));
}

export function fleetSeries(store: SampleStore, serverIds: readonly string[], range: SampleRange, nowS: number): FleetSeries {
  const { fromS, stepS } = rangeOf(range, nowS);
  return fleetColumns(serverIds.map((id) => store.series(id, fromS, range === '24h' ? 'tick' : '5m')), stepS);
}
