// Drift: where a server no longer matches Hostdeck's records (sites, FTP logins, databases and
// their users, server blocks, PHP pools, certificates, cron files, zones on nameservers), read
// in one read-only command per server. Each difference shows both sides and offers the actions
// that mean something for it: fix the server (queue the tasks that restore it, previewed first)
// or accept the server's state into the records.
import { z } from 'zod';
import { ServerId } from '../domain';
import { SaidShape } from '../errors';
import { Task } from '../queue';

export const DriftKind = z.enum(['site', 'status', 'ftp', 'db', 'dbuser', 'vhost', 'php', 'cron', 'cert', 'zone']);
export type DriftKind = z.infer<typeof DriftKind>;

/** What the difference is: the records have it and the server not, the other way round, or both differ. */
export const DriftWay = z.enum(['missing', 'extra', 'changed']);
export type DriftWay = z.infer<typeof DriftWay>;

export const DriftItem = z.object({
  /** Stable within a report: `<kind>:<site or zone>:<name>`. */
  id: z.string(),
  kind: DriftKind,
  way: DriftWay,
  /** The site it belongs to (null for a zone). */
  site: z.string().nullable(),
  /** One line: what differs ("Server block of shop.test"). */
  title: z.string(),
  /** What Hostdeck's records say, and what the server has (short text each). */
  records: z.string(),
  server: z.string(),
  /** For files: a unified diff, records' text as "-", the server's as "+". */
  diff: z.array(z.string()).nullable(),
  /** The actions offered, each with its label; null where it is not meaningful. */
  fix: z.string().nullable(),
  accept: z.string().nullable(),
  /** The fix removes something from the server: its name must be typed to confirm. */
  confirm: z.string().nullable(),
  /** Those texts that have names in them, as templates and values (the UI words them in its language). */
  said: z.object({ title: SaidShape, records: SaidShape, server: SaidShape, fix: SaidShape, accept: SaidShape }).partial().optional(),
});
export type DriftItem = z.infer<typeof DriftItem>;

export const DriftReport = z.object({
  serverId: z.string(),
  /** ISO time of the check; null: not checked yet. */
  checkedAt: z.string().nullable(),
  ms: z.number().nullable(),
  /** How many things were compared. */
  compared: z.number(),
  items: z.array(DriftItem),
  /** Differences answered (fixed or accepted) since this check: a new check confirms them. */
  answered: z.number(),
  /** The check could not run (unreachable, refused): why. */
  error: z.string().nullable(),
});
export type DriftReport = z.infer<typeof DriftReport>;

export const DriftAction = z.enum(['fix', 'accept']);
export type DriftAction = z.infer<typeof DriftAction>;

export const DriftSettings = z.object({
  /** A server's drift is checked after every Nth health check it answers (0: never on its own). */
  everyTicks: z.number({ error: 'Must be a number' }).int('A whole number of ticks').min(0, 'At least 0 (off)').max(10_000, 'At most 10000 ticks'),
}).strict();
export type DriftSettings = z.infer<typeof DriftSettings>;
export const DEFAULT_DRIFT_SETTINGS: DriftSettings = { everyTicks: 10 };

const ItemRef = z.object({ serverId: ServerId, id: z.string().min(1).max(600), action: DriftAction }).strict();
/** `params`: the task's parameters (a password only as a reference to it), for the UI to word the title in its language. */
const PreviewTask = z.object({ serverId: z.string(), kind: z.string(), title: z.string(), commands: z.array(z.string()), params: z.record(z.string(), z.unknown()) });

export const driftApi = {
  /** Checks one server now (one SSH command, read-only) and returns its report. */
  'drift.check': {
    input: z.object({ serverId: ServerId }).strict(),
    output: DriftReport,
  },
  /** Checks every server of the inventory now (bounded concurrency). */
  'drift.checkFleet': {
    input: z.object({}).strict(),
    output: z.object({ reports: z.array(DriftReport) }),
  },
  /** The last reports (no SSH), one per server of the inventory. */
  'drift.reports': {
    input: z.object({}).strict(),
    output: z.object({ reports: z.array(DriftReport) }),
  },
  /** What an action would do: the tasks it queues (exact commands) and the record changes. Nothing changes. */
  'drift.preview': {
    input: ItemRef,
    output: z.object({ tasks: z.array(PreviewTask), records: z.array(z.string()), recordsSaid: z.array(SaidShape) }),
  },
  /** Does it: queues the fix's tasks, or takes the server's state into the records. A password a fix makes (a login or database made again) is returned once. */
  'drift.resolve': {
    input: ItemRef.extend({ confirm: z.string().max(300).optional() }).strict(),
    output: z.object({ tasks: z.array(Task), records: z.array(z.string()), password: z.string().nullable(), report: DriftReport }),
  },
  'drift.settings': {
    input: z.object({}).strict(),
    output: DriftSettings,
  },
  'drift.setSettings': {
    input: DriftSettings,
    output: DriftSettings,
  },
} as const;
