// Health samples: per server, what each health tick measured (load, memory used %, the fullest
// disk's used %, days to the nearest certificate expiry, hours since the last good backup).
// Kept compactly in the data directory as fixed 24-byte binary records (Unix seconds + five
// float32, NaN for "not known"), two files per server: <id>.tick holds the last 24 h at tick
// resolution, <id>.5m holds 5-minute averages of the 7 days before that. A tick appends one
// record; about once an hour a server's records older than 24 h are folded into 5-minute
// averages and those older than 7 d dropped, so each file stays bounded. Numbers only: never a
// secret, never a name.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SAMPLE_METRICS, type SampleMetric } from '../../../shared/api/fleet';

export type Sample = { t: number } & Record<SampleMetric, number | null>;

export const RECORD_BYTES = 4 + 4 * SAMPLE_METRICS.length;
export const DAY_S = 86_400;
export const WEEK_S = 7 * DAY_S;
export const BUCKET_S = 300;
/** How often a server's files are compacted (and how far past 24 h its tick file may grow). */
const COMPACT_EVERY_S = 3600;
const ID = /^[0-9a-f-]{36}$/;

export function encodeSamples(samples: readonly Sample[]): Buffer {
  const buf = Buffer.alloc(samples.length * RECORD_BYTES);
  samples.forEach((s, i) => {
    const at = i * RECORD_BYTES;
    buf.writeUInt32LE(Math.max(0, Math.floor(s.t)), at);
    SAMPLE_METRICS.forEach((m, k) => buf.writeFloatLE(s[m] ?? Number.NaN, at + 4 + 4 * k));
  });
  return buf;
}

/** Whole records only: a record cut short by a crash is ignored. */
export function decodeSamples(buf: Buffer): Sample[] {
  const out: Sample[] = [];
  for (let at = 0; at + RECORD_BYTES <= buf.length; at += RECORD_BYTES) {
    const s = { t: buf.readUInt32LE(at) } as Sample;
    SAMPLE_METRICS.forEach((m, k) => {
      const v = buf.readFloatLE(at + 4 + 4 * k);
      s[m] = Number.isFinite(v) ? v : null;
    });
    out.push(s);
  }
  return out;
}

/** Averages per bucket of bucketS seconds (each metric over the samples that know it), oldest first. */
export function downsample(samples: readonly Sample[], bucketS: number): Sample[] {
  const buckets = new Map<number, Sample[]>();
  for (const s of samples) {
    const key = Math.floor(s.t / bucketS) * bucketS;
    const list = buckets.get(key);
    if (list) list.push(s);
    else buckets.set(key, [s]);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, list]) => {
      const out = { t } as Sample;
      for (const m of SAMPLE_METRICS) {
        const known = list.map((s) => s[m]).filter((v): v is number => v !== null);
        out[m] = known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
      }
      return out;
    });
}

/** What compaction keeps: ticks of the last 24 h; 5-minute averages of the rest, within 7 d. */
export function compact(tick: readonly Sample[], fiveMin: readonly Sample[], nowS: number): { tick: Sample[]; fiveMin: Sample[] } {
  const dayAgo = nowS - DAY_S;
  const old = tick.filter((s) => s.t < dayAgo);
  // A bucket already folded (from an earlier compaction) is not folded twice.
  const lastFolded = fiveMin.at(-1)?.t ?? -1;
  const folded = downsample(old, BUCKET_S).filter((s) => s.t > lastFolded);
  return { tick: tick.filter((s) => s.t >= dayAgo), fiveMin: [...fiveMin, ...folded].filter((s) => s.t >= nowS - WEEK_S) };
}

export class SampleStore {
  readonly dir: string;
  private readonly compactedAt = new Map<string, number>();
  private readonly latest = new Map<string, Sample>();

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.dir = path.join(dataDir, 'health-samples');
  }

  private file(serverId: string, kind: 'tick' | '5m'): string {
    if (!ID.test(serverId)) throw new Error('not a server id');
    return path.join(this.dir, `${serverId}.${kind}`);
  }

  private read(serverId: string, kind: 'tick' | '5m'): Sample[] {
    try {
      return oldestFirst(decodeSamples(readFileSync(this.file(serverId, kind))));
    } catch {
      return [];
    }
  }

  private async readAsync(serverId: string, kind: 'tick' | '5m'): Promise<Sample[]> {
    try {
      return oldestFirst(decodeSamples(await readFile(this.file(serverId, kind))));
    } catch {
      return [];
    }
  }

  /** Appends one tick's samples; compacts a server's files when due; drops files of servers gone from `present`. */
  record(samples: ReadonlyMap<string, Sample>, present: ReadonlySet<string>): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      for (const [serverId, sample] of samples) {
        if (!ID.test(serverId)) continue;
        this.latest.set(serverId, sample);
        const file = this.file(serverId, 'tick');
        if (!this.compactedAt.has(serverId)) {
          // First write of this run: a record half-written by a crash would shift every later one.
          const size = sizeOf(file);
          if (size % RECORD_BYTES) truncateSync(file, size - (size % RECORD_BYTES));
        }
        appendFileSync(file, encodeSamples([sample]), { mode: 0o600 });
        if (sample.t - (this.compactedAt.get(serverId) ?? 0) >= COMPACT_EVERY_S) this.compactOne(serverId, sample.t);
      }
      this.sweep(present);
    } catch (error) {
      this.log(`[hostdeck] health samples not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private compactOne(serverId: string, nowS: number): void {
    this.compactedAt.set(serverId, nowS);
    const tick = this.read(serverId, 'tick');
    if (!tick.length || tick[0]!.t >= nowS - DAY_S) return;
    const next = compact(tick, this.read(serverId, '5m'), nowS);
    replace(this.file(serverId, '5m'), encodeSamples(next.fiveMin));
    replace(this.file(serverId, 'tick'), encodeSamples(next.tick));
  }

  /** Files of servers no longer in the inventory go with them. */
  private sweep(present: ReadonlySet<string>): void {
    for (const name of readdirSync(this.dir)) {
      const id = name.replace(/\.(tick|5m|tmp)$/, '');
      if (!present.has(id)) rmSync(path.join(this.dir, name), { force: true });
    }
    for (const id of this.latest.keys()) if (!present.has(id)) this.latest.delete(id);
  }

  /** The samples of one server from `fromS` on, oldest first: 5-minute averages, then ticks. */
  series(serverId: string, fromS: number, resolution: 'tick' | '5m'): Sample[] {
    return merged(this.read(serverId, 'tick'), this.read(serverId, '5m'), fromS, resolution);
  }

  /** series, its files read without holding the core's thread (the fleet's series reads two per server). */
  async seriesAsync(serverId: string, fromS: number, resolution: 'tick' | '5m'): Promise<Sample[]> {
    const [tick, fiveMin] = await Promise.all([this.readAsync(serverId, 'tick'), this.readAsync(serverId, '5m')]);
    return merged(tick, fiveMin, fromS, resolution);
  }

  /** The last sample recorded (this run, or the last one on disk). */
  last(serverId: string): Sample | null {
    const known = this.latest.get(serverId);
    if (known) return known;
    if (!ID.test(serverId)) return null;
    const size = sizeOf(this.file(serverId, 'tick'));
    if (size < RECORD_BYTES) return null;
    return this.read(serverId, 'tick').at(-1) ?? null;
  }
}

/** Oldest first whatever the order of writing (samples imported from elsewhere may come late). */
function oldestFirst(samples: Sample[]): Sample[] {
  return samples.every((x, i) => i === 0 || x.t >= samples[i - 1]!.t) ? samples : samples.sort((a, b) => a.t - b.t);
}

/** 5-minute averages from `fromS` up to the first tick, then the ticks (as they are, or averaged). */
function merged(tick: readonly Sample[], fiveMin: readonly Sample[], fromS: number, resolution: 'tick' | '5m'): Sample[] {
  const firstTick = tick[0]?.t ?? Number.POSITIVE_INFINITY;
  const older = fiveMin.filter((s) => s.t >= fromS && s.t < firstTick);
  const recent = tick.filter((s) => s.t >= fromS);
  // The bucket a compaction cut in two is shown once (from the averages already folded).
  const lastOlder = older.at(-1)?.t ?? -1;
  return [...older, ...(resolution === 'tick' ? recent : downsample(recent, BUCKET_S).filter((x) => x.t > lastOlder))];
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function replace(file: string, data: Buffer): void {
  writeFileSync(`${file}.tmp`, data, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
