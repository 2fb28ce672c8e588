// Health samples without a server: the binary records round-trip (NaN as "not known", a record
// cut short ignored), downsampling averages per bucket, compaction keeps 24 h of ticks and 7 d
// of 5-minute averages (bounded files, no bucket folded twice), the store survives a restart
// and drops the files of removed servers, the fleet's median and worst per bucket, and the
// per-role thresholds.
import { appendFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetApi, NO_LIMITS, type Thresholds } from '../../shared/api/fleet';
import type { ServerHealth } from '../../shared/api/health';
import { BUCKET_S, DAY_S, RECORD_BYTES, SampleStore, WEEK_S, compact, decodeSamples, downsample, encodeSamples, type Sample } from '../../src-main/core/health/samples';
import { fleetColumns, fleetSeries, sampleOf } from '../../src-main/core/health/samples-series';
import { breaches, DEFAULT_THRESHOLDS, ThresholdStore } from '../../src-main/core/health/samples-thresholds';

const ID1 = '11111111-1111-4111-8111-111111111111';
const ID2 = '22222222-2222-4222-8222-222222222222';
const s = (t: number, v: Partial<Sample> = {}): Sample => ({ t, load: 1, memoryPct: 50, diskPct: 40, certDays: null, backupAgeH: null, ...v });
const NOW = 1_800_000_000;

describe('health sample records', () => {
  it('round-trip through 24-byte records; null stays null; a cut record is ignored', () => {
    const samples = [s(NOW, { load: 0.25, certDays: 12.5 }), s(NOW + 30, { memoryPct: null })];
    const buf = encodeSamples(samples);
    expect(buf.length).toBe(2 * RECORD_BYTES);
    expect(decodeSamples(buf)).toEqual(samples);
    expect(decodeSamples(buf.subarray(0, RECORD_BYTES + 7))).toEqual([samples[0]]);
  });

  it('downsample averages each metric over the samples that know it, per bucket', () => {
    const out = downsample([s(0, { load: 1 }), s(100, { load: 3, certDays: 10 }), s(299, { load: 5 }), s(300, { load: 7 })], BUCKET_S);
    expect(out).toEqual([s(0, { load: 3, certDays: 10 }), s(300, { load: 7 })]);
  });

  it('compaction keeps 24 h of ticks, folds the rest into 5-minute averages once, drops what is older than 7 d', () => {
    const tick = Array.from({ length: 2 * 2880 }, (_, i) => s(NOW - 2 * DAY_S + i * 30, { load: i % 2 }));
    const oldFive = [s(NOW - WEEK_S - BUCKET_S), s(NOW - 3 * DAY_S)];
    const out = compact(tick, oldFive, NOW);
    expect(out.tick.every((x) => x.t >= NOW - DAY_S)).toBe(true);
    expect(out.tick).toHaveLength(2880);
    expect(out.fiveMin[0]!.t).toBe(NOW - 3 * DAY_S);
    expect(out.fiveMin).toHaveLength(1 + DAY_S / BUCKET_S);
    expect(out.fiveMin[1]!.load).toBe(0.5);
    // Compacting again folds nothing twice.
    expect(compact(out.tick, out.fiveMin, NOW).fiveMin).toEqual(out.fiveMin);
  });

  it('the store appends per tick, survives a restart, stays bounded, and forgets removed servers', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hd-samples-'));
    const logged: string[] = [];
    let store = new SampleStore(dir, (l) => logged.push(l));
    const present = new Set([ID1, ID2]);
    // Two days at 30 s ticks, as a long-running app would record them.
    for (let t = NOW - 2 * DAY_S; t <= NOW; t += 30) store.record(new Map([[ID1, s(t, { diskPct: 40 + ((t / 30) % 10) })], [ID2, s(t)]]), present);
    expect(logged).toEqual([]);
    const tickSize = statSync(path.join(store.dir, `${ID1}.tick`)).size;
    expect(tickSize).toBeLessThanOrEqual((DAY_S + 3600) / 30 * RECORD_BYTES + RECORD_BYTES);
    // A crash mid-record: the next run trims it and the records stay aligned.
    appendFileSync(path.join(store.dir, `${ID1}.tick`), Buffer.alloc(5));
    store = new SampleStore(dir, () => undefined);
    expect(store.last(ID1)!.t).toBe(NOW);
    store.record(new Map([[ID1, s(NOW + 30, { load: 9 })]]), present);
    expect(store.last(ID1)).toEqual(s(NOW + 30, { load: 9 }));
    const day = store.series(ID1, NOW - DAY_S, 'tick');
    expect(day.length).toBeGreaterThan(2800);
    expect(day.at(-1)!.load).toBe(9);
    const week = store.series(ID1, NOW - WEEK_S, '5m');
    // 5-minute points over both days (the older one from the .5m file), oldest first.
    expect(week[0]!.t).toBeLessThan(NOW - DAY_S - 3600);
    expect(week.length).toBeGreaterThan(2 * 280);
    expect(week.every((x, i) => i === 0 || x.t > week[i - 1]!.t)).toBe(true);
    // Read asynchronously (the fleet's series), the same samples.
    expect(await store.seriesAsync(ID1, NOW - DAY_S, 'tick')).toEqual(day);
    expect(await store.seriesAsync(ID1, NOW - WEEK_S, '5m')).toEqual(week);
    const ids = [ID1, ID2, ...Array.from({ length: 20 }, (_, i) => `33333333-3333-4333-8333-${String(i).padStart(12, '0')}`)];
    expect(await fleetSeries(store, ids, '7d', NOW + 30)).toEqual(fleetColumns(ids.map((id) => store.series(id, NOW + 30 - WEEK_S, '5m')), BUCKET_S));
    store.record(new Map([[ID1, s(NOW + 60)]]), new Set([ID1]));
    expect(readdirSync(store.dir).sort()).toEqual([`${ID1}.5m`, `${ID1}.tick`]);
  });
});

describe('samples from health results and the fleet series', () => {
  const health = (v: Partial<ServerHealth>): ServerHealth => ({ serverId: ID1, status: 'ok', checkedAt: '2026-12-07T00:00:00Z', ms: 5, reason: '', cpus: 2, load: { one: 0.5, five: 0.4, fifteen: 0.3 }, memory: { totalKb: 1000, availableKb: 250 }, disks: [{ mount: '/', usedPct: 40 }, { mount: '/var', usedPct: 71 }], services: [], ...v });

  it('takes load, memory used %, the fullest disk, and the extras; nothing for a server that was not measured', () => {
    expect(sampleOf(health({}), { certDays: 20, backupAgeH: 3 }, NOW)).toEqual({ t: NOW, load: 0.5, memoryPct: 75, diskPct: 71, certDays: 20, backupAgeH: 3 });
    expect(sampleOf(health({ status: 'down', load: null, memory: null, disks: [] }), { certDays: null, backupAgeH: null }, NOW)).toBeNull();
    expect(sampleOf(health({ checkedAt: null }), { certDays: null, backupAgeH: null }, NOW)).toBeNull();
  });

  it('per bucket: the median of the servers, and the worst (fewest days for certificates)', () => {
    const a = [s(0, { diskPct: 10, certDays: 50 }), s(30, { diskPct: 30, certDays: 50 })];
    const b = [s(10, { diskPct: 90, certDays: 5 })];
    const c = [s(20, { diskPct: 50, certDays: null }), s(70, { diskPct: 60 })];
    const f = fleetColumns([a, b, c, []], 60);
    expect(f.t).toEqual([0, 60]);
    expect(f.servers).toBe(3);
    expect(f.median.diskPct).toEqual([50, 60]);
    expect(f.worst.diskPct).toEqual([90, 60]);
    expect(f.worst.certDays).toEqual([5, null]);
    expect(f.median.certDays).toEqual([27.5, null]);
  });
});

describe('alert thresholds per role', () => {
  const t: Thresholds = { ...DEFAULT_THRESHOLDS, all: { ...NO_LIMITS, diskPct: 95, certDays: 7 }, db: { ...NO_LIMITS, diskPct: 90 } };

  it('a role’s own limit replaces the fleet’s; certificates alert under their limit', () => {
    const sample = s(NOW, { diskPct: 92, certDays: 3 });
    expect(breaches(t, ['db'], sample)).toEqual(["fullest disk 92% used, over the db servers' limit of 90%", 'nearest certificate expiry in 3 days, under the fleet limit of 7 days']);
    expect(breaches(t, ['web'], sample)).toEqual(['nearest certificate expiry in 3 days, under the fleet limit of 7 days']);
    expect(breaches(t, ['web'], s(NOW, { diskPct: 96 }))).toEqual(["fullest disk 96% used, over the fleet limit of 95%"]);
    expect(breaches(t, ['db'], null)).toEqual([]);
  });

  it('the contract refuses anything but numbers in range, and unknown roles or metrics', () => {
    const input = fleetApi['health.setThresholds'].input;
    expect(input.safeParse(t).success).toBe(true);
    const bad: unknown[] = [
      { ...t, db: { ...NO_LIMITS, diskPct: 'lots' } },
      { ...t, db: { ...NO_LIMITS, diskPct: 101 } },
      { ...t, db: { ...NO_LIMITS, load: -1 } },
      { ...t, db: { ...NO_LIMITS, load: Number.NaN } },
      { ...t, db: { ...NO_LIMITS, certDays: '5; rm -rf /' } },
      { ...t, db: { ...NO_LIMITS, extra: 1 } },
      { ...t, mail: { ...NO_LIMITS } },
      { ...t, all: undefined },
    ];
    for (const value of bad) expect(input.safeParse(value).success).toBe(false);
    expect(fleetApi['health.serverSeries'].input.safeParse({ serverId: '../../etc/passwd', range: '24h' }).success).toBe(false);
    expect(fleetApi['health.fleetSeries'].input.safeParse({ range: '1y' }).success).toBe(false);
  });

  it('are kept across restarts; a damaged file falls back to none', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hd-thresholds-'));
    new ThresholdStore(dir).set(t);
    expect(new ThresholdStore(dir).get()).toEqual(t);
    appendFileSync(path.join(dir, 'health-thresholds.json'), '}');
    expect(new ThresholdStore(dir).get()).toEqual(DEFAULT_THRESHOLDS);
  });
});
