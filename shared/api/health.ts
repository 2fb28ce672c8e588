// Health: every server checked on a timer (settings.healthIntervalS, at most
// settings.healthConcurrency at once) over its shared SSH connection — reachable, load, memory,
// disks, and the daemons its roles call for. Each result is a health.changed event; changes of
// status are kept as a bounded history.
import { z } from 'zod';
import { ServerId } from '../domain';

/**
 * ok: all good; warn: needs a look (disk, memory, load, a certificate near expiry); alert: needs
 * action though the server runs (a site's backups older than its policy allows); down: unreachable
 * or a daemon is missing; unknown: not checked (yet).
 */
export const HealthStatus = z.enum(['ok', 'warn', 'alert', 'down', 'unknown']);
export type HealthStatus = z.infer<typeof HealthStatus>;

export const ServiceCheck = z.object({
  /** The daemon's process name ("mariadbd/mysqld" for the db role: either counts). */
  name: z.string(),
  /** Whether the server's roles call for it (only those decide the status). */
  expected: z.boolean(),
  /** null: the server could not tell (ps did not answer). */
  running: z.boolean().nullable(),
});
export type ServiceCheck = z.infer<typeof ServiceCheck>;

export const ServerHealth = z.object({
  serverId: z.string(),
  status: HealthStatus,
  /** When the check finished (ISO); null before the first check. */
  checkedAt: z.string().nullable(),
  /** How long the check took, connection included. */
  ms: z.number().nullable(),
  /** One sentence: what is wrong, or that all is well. */
  reason: z.string(),
  cpus: z.number().nullable(),
  load: z.object({ one: z.number(), five: z.number(), fifteen: z.number() }).nullable(),
  memory: z.object({ totalKb: z.number(), availableKb: z.number() }).nullable(),
  disks: z.array(z.object({ mount: z.string(), usedPct: z.number() })),
  services: z.array(ServiceCheck),
});
export type ServerHealth = z.infer<typeof ServerHealth>;

export const HealthChange = z.object({
  serverId: z.string(),
  /** The server's name at the time (the server may be gone since). */
  serverName: z.string(),
  at: z.string(),
  from: HealthStatus,
  to: HealthStatus,
  reason: z.string(),
});
export type HealthChange = z.infer<typeof HealthChange>;

/** How many of the most recent changes health.get hands out (and a window keeps). */
export const HEALTH_HISTORY_SHOWN = 200;

export const healthApi = {
  /** The latest result of every server in the inventory, and the most recent changes (oldest first). */
  'health.get': {
    input: z.object({}).strict(),
    output: z.object({ servers: z.array(ServerHealth), history: z.array(HealthChange) }),
  },
  /** Checks one server (or all) now, whatever the timer; resolves with the fresh results. */
  'health.checkNow': {
    input: z.object({ serverId: ServerId.optional() }).strict(),
    output: z.object({ servers: z.array(ServerHealth) }),
  },
} as const;
