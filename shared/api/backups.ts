// Backups of sites with restic on the server: one repository per server (a folder there), its
// password made by Hostdeck and kept only in the OS keychain; a policy (schedule and retention)
// per server with an optional one per site; backups, restores and checks are queued tasks.
// Restoring over live data goes through a confirmation typed by the user; reads (snapshots, the
// files of a snapshot) run restic directly and change nothing.
import { z } from 'zod';
import { ServerId } from '../domain';
import { DbName, SiteName } from '../hosting';
import { Task } from '../queue';

const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

/** An absolute folder on the server for the repository: plain characters, no `.`/`..` segments. */
export const RepoPath = z
  .string({ error: 'Repository folder must be text' })
  .max(200, 'Repository folder is too long (at most 200 characters)')
  .regex(/^(\/[A-Za-z0-9_][A-Za-z0-9._-]*)+$/, 'Repository folder must be an absolute path of letters, digits, ., _ and - (e.g. /var/backups/hostdeck/main)')
  .refine((v) => !v.split('/').some((s) => s === '.' || s === '..'), 'Repository folder may not hold . or .. segments');
export const DEFAULT_REPO_PATH = '/var/backups/hostdeck/main';

/**
 * Where the repository folder is: on the site's own server, or on another server of the
 * inventory reached by restic's sftp backend as a dedicated account there (SFTP_USER).
 */
export const RepoTarget = z.discriminatedUnion('kind', [z.object({ kind: z.literal('local') }).strict(), z.object({ kind: z.literal('server'), serverId: ServerId }).strict()], { error: 'Repository place must be this server or another server of the inventory' });
export type RepoTarget = z.infer<typeof RepoTarget>;
/** The account on a backup server that source servers log in as (SFTP only). */
export const SFTP_USER = 'hostdeck-backup';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const BackupSchedule = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('off') }).strict(),
    z.object({ kind: z.literal('daily'), at: z.string().regex(HHMM, 'Time must be HH:MM (24 h)') }).strict(),
    z.object({ kind: z.literal('every'), hours: z.number().int('Hours must be a whole number').min(1, 'Every 1 to 168 hours').max(168, 'Every 1 to 168 hours') }).strict(),
  ],
  { error: 'Schedule must be off, daily at HH:MM or every N hours' },
);
export type BackupSchedule = z.infer<typeof BackupSchedule>;

const keep = (what: string, max: number) => z.number().int(`${what} must be a whole number`).min(0, `${what}: 0 to ${max}`).max(max, `${what}: 0 to ${max}`);
/** restic forget --keep-daily/--keep-weekly/--keep-monthly; all 0 keeps every snapshot. */
export const Retention = z.object({ daily: keep('Daily', 365), weekly: keep('Weekly', 260), monthly: keep('Monthly', 240) }).strict();
export type Retention = z.infer<typeof Retention>;

export const BackupPolicy = z.object({ schedule: BackupSchedule, keep: Retention }).strict();
export type BackupPolicy = z.infer<typeof BackupPolicy>;
export const DEFAULT_POLICY: BackupPolicy = { schedule: { kind: 'daily', at: '03:00' }, keep: { daily: 7, weekly: 4, monthly: 6 } };

/** How old the last backup may be before fleet health turns red: the schedule's interval plus an hour of slack. */
export function maxAgeHours(schedule: BackupSchedule): number | null {
  return schedule.kind === 'off' ? null : (schedule.kind === 'daily' ? 24 : schedule.hours) + 1;
}

export const SnapshotId = z.string().regex(/^[0-9a-f]{8,64}$/, 'Snapshot id must be 8 to 64 hexadecimal digits');

/**
 * A file or folder inside the site's home, relative to it: segments of plain characters (also
 * spaces), no `.` or `..`, no leading `-`, no control characters. "" is the home itself.
 */
export const HomePath = z
  .string({ error: 'Path must be text' })
  .max(1024, 'Path is too long (at most 1024 characters)')
  .regex(NO_CONTROL, 'Path may not hold control characters')
  .refine((v) => v === '' || v.split('/').every((s) => /^[A-Za-z0-9._@+,=~][A-Za-z0-9 ._@+,=~-]{0,254}$/.test(s) && s !== '.' && s !== '..'), 'Path must be inside the home: names of letters, digits, spaces and . _ - @ + , = ~, separated by /, without . or ..');

/** The last backup task of a site that ended (at, whether it was done) and when one was last done. */
export const LastBackup = z.object({ at: z.string(), ok: z.boolean(), taskId: z.string(), okAt: z.string().nullable() });
export type LastBackup = z.infer<typeof LastBackup>;

export const BackupState = z.object({
  repoPath: RepoPath,
  target: RepoTarget,
  /** Whether Hostdeck holds the repository's password (in the keychain). */
  hasPassword: z.boolean(),
  policy: BackupPolicy,
  sitePolicies: z.record(z.string(), BackupPolicy),
  last: z.record(z.string(), LastBackup),
  /** Team mode: the version of the settings and policies (what a save of them carries as baseVersion; 0: never saved). */
  version: z.number().int().nonnegative().optional(),
});
export type BackupState = z.infer<typeof BackupState>;

export const Snapshot = z.object({
  id: z.string(),
  shortId: z.string(),
  time: z.string(),
  kind: z.enum(['files', 'db']),
  db: z.string().nullable(),
  /** The backup run it belongs to (one files snapshot and one per database). */
  run: z.string().nullable(),
  tags: z.array(z.string()),
});
export type Snapshot = z.infer<typeof Snapshot>;

export const SnapshotEntry = z.object({ path: z.string(), name: z.string(), type: z.enum(['dir', 'file', 'symlink', 'other']), size: z.number().nullable(), mtime: z.string().nullable() });
export type SnapshotEntry = z.infer<typeof SnapshotEntry>;

const SiteRef = z.object({ serverId: ServerId, site: SiteName }).strict();
/** Team mode: the version of the settings and policies an edit was based on; someone else's change since is a conflict carrying both. */
const BaseVersion = z.number().int().nonnegative();
const Settings = z.object({ serverId: ServerId, repoPath: RepoPath, policy: BackupPolicy, target: RepoTarget.optional(), baseVersion: BaseVersion.optional() }).strict();
const Tasks = z.object({ tasks: z.array(Task) });

export const backupsApi = {
  /** The server's repository folder and policies, and each site's last backup. Reads only. */
  'backups.state': { input: z.object({ serverId: ServerId }).strict(), output: BackupState },
  /**
   * The repository folder (on this server or another one) and the server's policy; a new folder
   * gets a new password (made here, kept in the keychain). Another server as the target queues
   * its SSH setup: the backup account there and the key pair and pinned host key here.
   */
  'backups.setSettings': { input: Settings, output: BackupState.extend({ tasks: z.array(Task) }) },
  /** The tasks saving these settings would queue (their commands), nothing queued or kept. */
  'backups.previewSettings': { input: Settings, output: z.object({ tasks: z.array(z.object({ kind: z.string(), title: z.string(), commands: z.array(z.string()) })) }) },
  /** A site's own policy, or null to follow the server's. */
  'backups.setSitePolicy': { input: SiteRef.extend({ policy: BackupPolicy.nullable(), baseVersion: BaseVersion.optional() }).strict(), output: BackupState },
  /** Queues backup.site now (refused while one of the site waits in the queue). */
  'backups.backUpNow': { input: SiteRef, output: Tasks },
  /** The site's snapshots, newest first (restic snapshots on the server). Reads only. */
  'backups.snapshots': { input: SiteRef, output: z.object({ snapshots: z.array(Snapshot) }) },
  /** One folder of a files snapshot (at most 500 entries). Reads only. */
  'backups.ls': { input: SiteRef.extend({ snapshot: SnapshotId, path: HomePath }).strict(), output: z.object({ entries: z.array(SnapshotEntry), truncated: z.boolean() }) },
  /** Queues restic check of the server's repository. */
  'backups.check': { input: z.object({ serverId: ServerId }).strict(), output: Tasks },
  /**
   * Restores files or folders of a files snapshot: beside (into ~/restored-<date>/, nothing
   * overwritten) or in their place (overwrites; confirm = the site's name).
   */
  'backups.restoreFiles': {
    input: SiteRef.extend({ snapshot: SnapshotId, paths: z.array(HomePath).min(1, 'Choose something to restore').max(100, 'At most 100 paths at once'), to: z.enum(['place', 'beside']), confirm: z.string().max(100).optional() }).strict(),
    output: Tasks,
  },
  /** Restores a database of a db snapshot into its place (confirm = the database's name) or into a scratch copy <db>_restore_<yyyymmdd_hhmm>. */
  'backups.restoreDb': {
    input: SiteRef.extend({ snapshot: SnapshotId, db: DbName, to: z.enum(['place', 'scratch']), confirm: z.string().max(100).optional() }).strict(),
    output: z.object({ tasks: z.array(Task), database: z.string() }),
  },
  /** Drops a scratch copy made by a restore (confirm = its name). */
  'backups.dropScratch': { input: SiteRef.extend({ database: DbName, confirm: z.string().max(100) }).strict(), output: Tasks },
  /**
   * The whole site from one backup run: files back into the home and every database in its
   * place (confirm = the site's name). A site no longer in the records is created again first
   * with the normal site tasks (its databases with new passwords, returned once).
   */
  'backups.restoreSite': {
    input: SiteRef.extend({ run: z.string().regex(/^\d{8}T\d{6}Z$/, 'Bad backup run'), confirm: z.string().max(100) }).strict(),
    output: z.object({ tasks: z.array(Task), passwords: z.array(z.object({ db: z.string(), user: z.string(), password: z.string() })) }),
  },
} as const;
