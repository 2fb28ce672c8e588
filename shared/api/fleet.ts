// The fleet at a glance: one aggregated read for the fleet map (servers with their health, the
// sites on each, which nameservers serve which zones, queue states), the recorded health
// samples as chart series (one server's, or the fleet's median and worst), and the per-role
// alert thresholds those samples are judged against.
import { z } from 'zod';
import { Role, ServerId } from '../domain';
import { HealthStatus } from './health';

export const FleetMap = z.object({
  servers: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      host: z.string(),
      roles: z.array(Role),
      tags: z.array(z.string()),
      /** The inventory server this one is reached through (ProxyJump), if any. */
      jumpHostId: z.string().nullable(),
      status: HealthStatus,
      reason: z.string(),
    }),
  ),
  sites: z.array(z.object({ serverId: z.string(), name: z.string(), suspended: z.boolean(), domains: z.array(z.string()) })),
  /** Every zone with each nameserver's state for it (every ns-role server serves every zone). */
  zones: z.array(z.object({ name: z.string(), nameservers: z.array(z.object({ serverId: z.string(), state: z.enum(['in-sync', 'stale', 'missing', 'unreachable', 'unknown']) })) })),
  /** Servers whose queue holds tasks; a failed task stops its queue until answered. */
  queues: z.array(z.object({ serverId: z.string(), pending: z.number().int(), running: z.number().int(), failed: z.number().int() })),
});
export type FleetMap = z.infer<typeof FleetMap>;

/** What one sample records of a server (null: not known at that tick). */
export const SAMPLE_METRICS = ['load', 'memoryPct', 'diskPct', 'certDays', 'backupAgeH'] as const;
export const SampleMetric = z.enum(SAMPLE_METRICS);
export type SampleMetric = z.infer<typeof SampleMetric>;

export const SampleRange = z.enum(['24h', '7d']);
export type SampleRange = z.infer<typeof SampleRange>;

const Column = z.array(z.number().nullable());

/** Columns for a chart: times (Unix seconds) and one column per metric, all of one length. */
export const ServerSeries = z.object({ t: z.array(z.number()), load: Column, memoryPct: Column, diskPct: Column, certDays: Column, backupAgeH: Column });
export type ServerSeries = z.infer<typeof ServerSeries>;

/** The fleet per time bucket: the median and the worst server (highest; fewest days for certificates). */
export const FleetSeries = z.object({ t: z.array(z.number()), stepS: z.number(), servers: z.number().int(), median: ServerSeries.omit({ t: true }), worst: ServerSeries.omit({ t: true }) });
export type FleetSeries = z.infer<typeof FleetSeries>;

const Limit = z.number({ error: 'Must be a number' }).min(0, 'At least 0').max(100_000, 'At most 100000').nullable();
/** Per metric: a server above it (below it for certDays) turns red. null: no limit. */
export const Limits = z.object({ load: Limit, memoryPct: Limit.refine((v) => v === null || v <= 100, 'At most 100 %'), diskPct: Limit.refine((v) => v === null || v <= 100, 'At most 100 %'), certDays: Limit, backupAgeH: Limit }).strict();
export type Limits = z.infer<typeof Limits>;

/** `all` applies to every server; a role's own limit replaces it for servers of that role. */
export const Thresholds = z.object({ all: Limits, web: Limits, db: Limits, ftp: Limits, ns: Limits }).strict();
export type Thresholds = z.infer<typeof Thresholds>;

export const NO_LIMITS: Limits = { load: null, memoryPct: null, diskPct: null, certDays: null, backupAgeH: null };

export const fleetApi = {
  'fleet.map': { input: z.object({}).strict(), output: FleetMap },
  /** One server's recorded samples: tick resolution over 24 h, 5-minute averages over 7 d. */
  'health.serverSeries': { input: z.object({ serverId: ServerId, range: SampleRange }).strict(), output: ServerSeries },
  /** Every server's samples per time bucket: the fleet's median and worst. */
  'health.fleetSeries': { input: z.object({ range: SampleRange }).strict(), output: FleetSeries },
  'health.thresholds': { input: z.object({}).strict(), output: Thresholds },
  'health.setThresholds': { input: Thresholds, output: Thresholds },
} as const;
