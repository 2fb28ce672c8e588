// Backup settings per server (repository folder and its keychain reference, the server's policy,
// sites' own policies), each site's last backup, and what a site was when it was last backed up
// (so a deleted site can be created again before its restore), in the data directory (`conf`).
// The repository password is never here: only in the OS keychain, under repoRef.
import Conf from 'conf';
import { z } from 'zod';
import { BackupPolicy, DEFAULT_POLICY, DEFAULT_REPO_PATH, LastBackup, RepoPath, RepoTarget } from '../../../shared/api/backups';

const Known = z.object({ quotaMb: z.number().int(), databases: z.array(z.object({ name: z.string(), user: z.string() })) });
export type KnownSite = z.infer<typeof Known>;

export const ServerBackups = z.object({
  repoPath: RepoPath,
  /** The server the repository folder is on (its own unless another server of the inventory). */
  target: RepoTarget.default({ kind: 'local' }),
  repoRef: z.string().nullable(),
  /** Every repository this server has used ("<local|server id>:<folder>") and its password's keychain reference, so going back to one finds its password. */
  repoRefs: z.record(z.string(), z.string()).default({}),
  policy: BackupPolicy,
  sitePolicies: z.record(z.string(), BackupPolicy).default({}),
  last: z.record(z.string(), LastBackup).default({}),
  /** When the scheduler last queued a site's backup (so a failing one is not queued every minute). */
  queuedAt: z.record(z.string(), z.string()).default({}),
  known: z.record(z.string(), Known).default({}),
  /** Team mode: the last edit a person made of the place and policies (the row's own version also counts the app's records of backups run). */
  edited: z.object({ version: z.number().int().positive(), by: z.string(), at: z.string() }).optional(),
});
export type ServerBackups = z.infer<typeof ServerBackups>;

const Schema = z.object({ version: z.literal(1), servers: z.record(z.string(), ServerBackups) });
type Data = z.infer<typeof Schema>;

/** Backup settings per server: this folder's file (solo) or the team's table (team/backup-store.ts). */
export interface BackupsStore {
  servers(): string[];
  get(serverId: string): ServerBackups;
  /**
   * `change` is given the current settings (in a team: again with someone else's, when they wrote
   * first). baseVersion (team mode): a person's edit of the place or policies based on that
   * version of them; someone else's edit since is a conflict carrying both (solo: nothing to check).
   */
  update(serverId: string, change: (s: ServerBackups) => ServerBackups, baseVersion?: number): void | Promise<void>;
  /** Team mode: the version of the place and policies (0: never edited); solo: none. */
  editVersion(s: ServerBackups): number | undefined;
  /** Team mode: the conflict update would give for an edit based on baseVersion, before any work (solo: nothing to check). */
  assertVersion(serverId: string, baseVersion: number): void | Promise<void>;
}

/** A server's settings as stored, the defaults where none are. */
export function serverBackupsOf(stored: unknown): ServerBackups {
  return ServerBackups.parse(stored ?? { repoPath: DEFAULT_REPO_PATH, repoRef: null, policy: DEFAULT_POLICY });
}

export class BackupStore implements BackupsStore {
  private readonly conf: Conf<Data>;

  constructor(dataDir: string) {
    this.conf = new Conf<Data>({ cwd: dataDir, configName: 'backups', projectName: 'hostdeck', defaults: { version: 1, servers: {} }, accessPropertiesByDotNotation: false, clearInvalidConfig: false });
    const parsed = Schema.safeParse(this.conf.store);
    if (!parsed.success) throw new Error(`The backups file ${this.conf.path} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
  }

  servers(): string[] {
    return Object.keys(this.conf.get('servers'));
  }

  get(serverId: string): ServerBackups {
    return serverBackupsOf(this.conf.get('servers')[serverId]);
  }

  /** Every server's settings at once (leaving a team: the team's replace this folder's). */
  replaceAll(servers: Record<string, ServerBackups>): void {
    this.conf.set('servers', servers);
  }

  editVersion(): undefined {
    return undefined;
  }

  assertVersion(): void {}

  update(serverId: string, change: (s: ServerBackups) => ServerBackups): void {
    const next = ServerBackups.parse(change(this.get(serverId)));
    this.conf.set('servers', { ...this.conf.get('servers'), [serverId]: next });
  }
}
