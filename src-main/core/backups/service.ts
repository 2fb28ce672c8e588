// Backups of a server's sites (README "Backups"): settings and policies, backups queued on demand
// and by the schedule while the app runs (checked every minute; never while a backup of the site
// waits in the queue), restores and checks as tasks, snapshots and their files read with restic
// on the server, and the age of each site's last backup for fleet health.
import { randomBytes, randomUUID } from 'node:crypto';
import { maxAgeHours, SFTP_USER, type BackupPolicy, type RepoTarget, type BackupSchedule, type BackupState, type Snapshot, type SnapshotEntry } from '../../../shared/api/backups';
import { AppError, msg } from '../../../shared/errors';
import type { Task } from '../../../shared/queue';
import type { EventHub } from '../events';
import type { SiteService } from '../hosting/sites';
import type { Inventory } from '../inventory/service';
import type { QueueService } from '../queue/service';
import type { Keychain } from '../secrets/keychain';
import type { ConnectionManager } from '../ssh/connections';
import { exec } from '../ssh/connect';
import { shQuote } from '../ssh/sh-quote';
import type { BackupsStore } from './store';
import { resticHead, type SftpTarget } from './tasks';
import { knownHostsName } from '../ssh/host-key';
import type { TaskSecrets } from '../queue/task-secrets';
import { ed25519Pair } from '../ssh/keygen';

const MINUTE_MS = 60_000;
const WAITING = new Set(['pending', 'running', 'failed']);
/** One whole sentence per waiting state, so each reads whole in the UI's language. */
const ALREADY_QUEUED: Record<string, string> = {
  pending: msg('A backup of site {{site}} is already in the queue (pending).'),
  running: msg('A backup of site {{site}} is already in the queue (running).'),
  failed: msg('A backup of site {{site}} is already in the queue (failed).'),
};
const LS_MAX = 500;
const PREFIX = 'backup-repo:';
/** On a source server: one folder per backup server with Hostdeck's key pair and known_hosts for it (root-only). */
const SFTP_KEY_DIR = '/etc/hostdeck/backup-ssh';
/** A preview's stand-ins: the real key pair is made when the settings are saved. */
const PREVIEW_PUBLIC_KEY = `ssh-ed25519 ${'A'.repeat(68)}`;
const PREVIEW_KEY_REF = 'backup-key-00000000-0000-0000-0000-000000000000';

/** A task to queue on one of the servers a settings change touches. */
type Step = { serverId: string; kind: string; params: Record<string, unknown> };

/**
 * The repository passwords' part of the queue's secret source: refs `backup-repo:<uuid>` are
 * keychain accounts of their own, kept for good (undefined: not such a ref).
 */
export function repoPasswordSource(keychain: Keychain): (ref: string) => Promise<string | undefined> {
  return async (ref) => {
    if (!ref.startsWith(PREFIX)) return undefined;
    const password = await keychain.get(ref);
    if (password !== null) return password;
    throw new AppError('not-found', keychain.kind === 'memory'
      ? msg('The backup repository password was kept in memory only (no OS keychain) and the app has restarted since: this repository cannot be opened any more. Choose a new repository folder in Backup settings.')
      : msg('The backup repository password is not in the OS keychain: this repository cannot be opened. Choose a new repository folder in Backup settings.'));
  };
}

/** yyyymmdd_hhmm in UTC. */
export function stampOf(date: Date): string {
  return date.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '_');
}

/**
 * Whether a backup is due at `now` after the last one (queued or ended) at `last` (ms; 0 for
 * none): every N hours after the last, or daily once the day's time (this computer's local
 * time) has passed with no backup since it.
 */
export function isDue(schedule: BackupSchedule, last: number, now: Date): boolean {
  if (schedule.kind === 'off') return false;
  if (schedule.kind === 'every') return now.getTime() >= last + schedule.hours * 3_600_000;
  const [h, m] = schedule.at.split(':').map(Number) as [number, number];
  const slot = new Date(now);
  slot.setHours(h, m, 0, 0);
  const latest = slot.getTime() > now.getTime() ? slot.getTime() - 86_400_000 : slot.getTime();
  return last < latest;
}

/** The fleet health warning of a site whose last successful backup is older than its schedule allows (null: none). */
export function staleBackup(site: string, schedule: BackupSchedule, okAt: string | null, queuedAt: string | null, now: Date): string | null {
  const allowed = maxAgeHours(schedule);
  if (allowed === null) return null;
  if (!okAt) return queuedAt && now.getTime() - Date.parse(queuedAt) > allowed * 3_600_000 ? `site ${site} has no successful backup yet` : null;
  const hours = (now.getTime() - Date.parse(okAt)) / 3_600_000;
  return hours > allowed ? `the last backup of site ${site} is ${Math.floor(hours)} h old (its policy allows ${allowed} h)` : null;
}

type ResticSnapshot = { id: string; short_id: string; time: string; tags?: string[]; paths?: string[] };

export class BackupService {
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: BackupsStore,
    private readonly keychain: Keychain,
    private readonly sites: SiteService,
    private readonly queue: QueueService,
    private readonly connections: ConnectionManager,
    private readonly inventory: Inventory,
    events: EventHub,
    private readonly log: (line: string) => void,
    private readonly taskSecrets: Pick<TaskSecrets, 'hold'>,
    /** The host key Hostdeck trusts for host:port (pinned or in the user's known_hosts), null: none yet. */
    private readonly hostKeyOf: (host: string, port: number) => Promise<{ keyType: string; key: string } | null>,
  ) {
    this.unsubscribe = events.subscribe((event, payload) => {
      if (event !== 'queue.changed') return;
      const { serverId, task } = payload as { serverId: string; task?: Task };
      if (task?.kind !== 'backup.site' || (task.status !== 'done' && task.status !== 'failed') || !task.finishedAt) return;
      const site = String(task.params.site);
      void this.recorded(
        this.store.update(serverId, (s) => {
          if (s.last[site]?.taskId === task.id) return s;
          const ok = task.status === 'done';
          return { ...s, last: { ...s.last, [site]: { at: task.finishedAt!, ok, taskId: task.id, okAt: ok ? task.finishedAt! : (s.last[site]?.okAt ?? null) } } };
        }),
      );
    });
  }

  /** A record the app keeps by itself (a backup queued or finished): in a team it is written in the background, a failure logged. */
  private async recorded(write: void | Promise<void>): Promise<void> {
    try {
      await write;
    } catch (error) {
      this.log(`[hostdeck] backups: a record was not saved (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  state(serverId: string): BackupState {
    this.inventory.stored(serverId);
    const s = this.store.get(serverId);
    const version = this.store.editVersion(s);
    return { repoPath: s.repoPath, target: s.target, hasPassword: s.repoRef !== null, policy: s.policy, sitePolicies: s.sitePolicies, last: s.last, ...(version === undefined ? {} : { version }) };
  }

  /**
   * A new repository folder (or server) gets a new password (the previous one stays in the
   * keychain: its repository still needs it); going back to a folder used before takes its
   * password again. Another server as the place queues its SSH setup each time (a new key pair:
   * the private key is held only until its task has run); leaving a backup server queues the
   * removal of this server's key there and of its key pair here.
   */
  async setSettings(serverId: string, repoPath: string, policy: BackupPolicy, target: RepoTarget = { kind: 'local' }, baseVersion?: number): Promise<BackupState & { tasks: Task[] }> {
    this.inventory.stored(serverId);
    const current = this.store.get(serverId);
    // Team mode: an edit based on an older version is refused before a password is made or anything queued.
    if (baseVersion !== undefined) await this.store.assertVersion(serverId, baseVersion);
    // A target that cannot be used is refused before any password is made.
    if (target.kind === 'server') await this.sftpSteps(serverId, target.serverId, repoPath, { publicKey: PREVIEW_PUBLIC_KEY, keyRef: PREVIEW_KEY_REF });
    const placeOf = (t: RepoTarget, folder: string) => `${t.kind === 'server' ? t.serverId : 'local'}:${folder}`;
    const known = { ...current.repoRefs, ...(current.repoRef ? { [placeOf(current.target, current.repoPath)]: current.repoRef } : {}) };
    let repoRef = known[placeOf(target, repoPath)] ?? null;
    if (repoRef === null) {
      // A repository whose password is lost is lost with it: never make one into memory only.
      if (this.keychain.kind === 'memory') throw new AppError('conflict', msg('No OS keychain is available: a repository password kept in memory would be lost when the app quits, and the backups with it. Set up the keychain first.'));
      repoRef = `${PREFIX}${randomUUID()}`;
      await this.keychain.set(repoRef, randomBytes(32).toString('base64url'));
    }
    const tasks = this.revokeSteps(serverId, current.target, target).map((step) => this.queue.enqueue(step.serverId, step.kind, step.params));
    if (target.kind === 'server') {
      const pair = ed25519Pair(`hostdeck-backup-from-${serverId}`);
      const key = { publicKey: pair.public.split(' ').slice(0, 2).join(' '), keyRef: `backup-key-${randomUUID()}` };
      await this.taskSecrets.hold(key.keyRef, pair.private);
      for (const step of await this.sftpSteps(serverId, target.serverId, repoPath, key)) tasks.push(this.queue.enqueue(step.serverId, step.kind, step.params));
    }
    await this.store.update(serverId, (s) => ({ ...s, repoPath, repoRef, policy, target, repoRefs: { ...known, [placeOf(target, repoPath)]: repoRef } }), baseVersion);
    return { ...this.state(serverId), tasks };
  }

  /** baseVersion (team mode): the version of the settings and policies the edit was based on. */
  async setSitePolicy(serverId: string, site: string, policy: BackupPolicy | null, baseVersion?: number): Promise<BackupState> {
    this.sites.site(serverId, site);
    await this.store.update(serverId, (s) => {
      const sitePolicies = { ...s.sitePolicies };
      if (policy) sitePolicies[site] = policy;
      else delete sitePolicies[site];
      return { ...s, sitePolicies };
    }, baseVersion);
    return this.state(serverId);
  }

  /** The repository part of a task's parameters. */
  private repo(serverId: string): { repoPath: string; repoRef: string; sftp: SftpTarget | null } {
    const s = this.store.get(serverId);
    if (s.repoRef === null) throw new AppError('invalid-input', msg('Backups are not set up on this server yet: save its backup settings first (a repository password is made then).'));
    return { repoPath: s.repoPath, repoRef: s.repoRef, sftp: s.target.kind === 'server' ? this.sftpTarget(s.target.serverId) : null };
  }

  /** How a source server reaches the backup server: its inventory address, Hostdeck's key and known_hosts for it. */
  private sftpTarget(targetId: string): SftpTarget {
    const target = this.inventory.stored(targetId);
    return { name: target.name, user: SFTP_USER, host: target.host, port: target.port, dir: `${SFTP_KEY_DIR}/${targetId}` };
  }

  /**
   * The tasks that let `serverId` reach the backup server `targetId`: the account there with the
   * new public key, and on the source the key pair and the host key Hostdeck trusts for the
   * target (pinned or from known_hosts); refused for the server itself, a server behind a jump
   * host (the source could not reach it) and one whose host key is not confirmed yet.
   */
  private async sftpSteps(serverId: string, targetId: string, repoPath: string, key: { publicKey: string; keyRef: string }): Promise<Step[]> {
    const source = this.inventory.stored(serverId);
    if (targetId === serverId) throw new AppError('invalid-input', msg('The backup server must be another server: for this one choose "This server".'), { fields: { target: 'Choose another server' } });
    const target = this.inventory.stored(targetId);
    if (target.jumpHostId) throw AppError.worded('invalid-input', msg('{{target}} is reached through a jump host: {{source}} could not reach it directly. Choose a server it can reach.'), { target: target.name, source: source.name }, { fields: { target: 'Reached through a jump host' } });
    const hostKey = await this.hostKeyOf(target.host, target.port);
    if (!hostKey) throw AppError.worded('invalid-input', msg('The host key of {{target}} is not confirmed yet: test its connection first, so that Hostdeck can pin it on {{source}}.'), { target: target.name, source: source.name }, { fields: { target: 'Host key not confirmed' } });
    const sftp = this.sftpTarget(targetId);
    return [
      { serverId: targetId, kind: 'backup.sftp-account', params: { user: SFTP_USER, repoPath, publicKey: key.publicKey, tag: `hostdeck-backup-from-${serverId}`, source: source.name } },
      { serverId, kind: 'backup.sftp-client', params: { target: sftp, hostKeyLine: `${knownHostsName(target.host, target.port)} ${hostKey.keyType} ${hostKey.key}`, publicKey: key.publicKey, keyRef: key.keyRef } },
    ];
  }

  /** When the place leaves a backup server (still in the inventory): its account forgets this server's key, and this server the key pair. */
  private revokeSteps(serverId: string, from: RepoTarget, to: RepoTarget): Step[] {
    if (from.kind !== 'server' || (to.kind === 'server' && to.serverId === from.serverId)) return [];
    let old: SftpTarget;
    try {
      old = this.sftpTarget(from.serverId);
    } catch {
      return []; // removed from the inventory: nothing Hostdeck can reach there
    }
    return [
      { serverId: from.serverId, kind: 'backup.sftp-revoke', params: { user: SFTP_USER, tag: `hostdeck-backup-from-${serverId}`, source: this.inventory.stored(serverId).name } },
      { serverId, kind: 'backup.sftp-forget', params: { dir: old.dir, name: old.name } },
    ];
  }

  async previewSettings(serverId: string, repoPath: string, target: RepoTarget): Promise<{ kind: string; title: string; commands: string[] }[]> {
    this.inventory.stored(serverId);
    const revoke = this.revokeSteps(serverId, this.store.get(serverId).target, target);
    const steps = target.kind === 'server' ? await this.sftpSteps(serverId, target.serverId, repoPath, { publicKey: PREVIEW_PUBLIC_KEY, keyRef: PREVIEW_KEY_REF }) : [];
    return [...revoke, ...steps].map((x) => {
      const shown = this.queue.preview(x.kind, x.params);
      return { kind: x.kind, title: `On ${this.inventory.stored(x.serverId).name}: ${shown.title}`, commands: shown.commands.map((c) => c.replaceAll(PREVIEW_PUBLIC_KEY, 'ssh-ed25519 <new public key, made when queued>')) };
    });
  }

  policyOf(serverId: string, site: string): BackupPolicy {
    const s = this.store.get(serverId);
    return s.sitePolicies[site] ?? s.policy;
  }

  private waitingBackup(serverId: string, site: string): Task | undefined {
    return this.queue.list(serverId).tasks.find((t) => t.kind === 'backup.site' && WAITING.has(t.status) && t.params.site === site);
  }

  backUpNow(serverId: string, site: string): Task[] {
    const waiting = this.waitingBackup(serverId, site);
    if (waiting) throw AppError.worded('conflict', ALREADY_QUEUED[waiting.status]!, { site });
    return [this.enqueueBackup(serverId, site)];
  }

  private enqueueBackup(serverId: string, site: string): Task {
    const record = this.sites.site(serverId, site);
    const { settings } = this.sites.state(serverId);
    const repo = this.repo(serverId);
    const { keep } = this.policyOf(serverId, site);
    const task = this.queue.enqueue(serverId, 'backup.site', {
      site,
      databases: record.databases.map((d) => d.name),
      keep: keep.daily + keep.weekly + keep.monthly > 0 ? keep : null,
      ...repo,
      socket: settings.mysql.socket,
      defaultsFile: settings.mysql.defaultsFile,
    });
    void this.recorded(
      this.store.update(serverId, (s) => ({
        ...s,
        queuedAt: { ...s.queuedAt, [site]: task.enqueuedAt },
        known: { ...s.known, [site]: { quotaMb: record.quotaMb, databases: record.databases } },
      })),
    );
    return task;
  }

  check(serverId: string): Task[] {
    const repo = this.repo(serverId);
    return [this.queue.enqueue(serverId, 'backup.check', { ...repo })];
  }

  /** Runs `r <args>` (restic on the repository) on the server with the password on stdin; reads only. */
  private async restic(serverId: string, args: string, timeoutMs = 60_000): Promise<string> {
    const repo = this.repo(serverId);
    const password = await this.keychain.get(repo.repoRef);
    if (password === null) throw new AppError('not-found', msg('The repository password is not in the OS keychain any more: the backups of this repository cannot be read.'));
    const script = [...resticHead(repo), 'if ! has_repo; then echo NO-REPOSITORY; exit 0; fi', `r ${args}`].join('\n');
    const lease = await this.connections.acquire(serverId, { interactive: false });
    try {
      const result = await exec(await lease.ready(), `sh -c ${shQuote(script)}`, timeoutMs, `${password}\n`);
      if (result.code !== 0) throw AppError.worded('ssh', msg('restic failed on the server (exit {{code}}).'), { code: String(result.code) }, { details: result.stderr.slice(-2000) });
      return result.stdout;
    } finally {
      lease.release();
    }
  }

  async snapshots(serverId: string, site: string): Promise<Snapshot[]> {
    this.inventory.stored(serverId);
    const out = await this.restic(serverId, `snapshots --json --tag ${shQuote(`site=${site}`)}`);
    if (out.startsWith('NO-REPOSITORY')) return [];
    const list = JSON.parse(out) as ResticSnapshot[];
    const tag = (s: ResticSnapshot, key: string) => s.tags?.find((t) => t.startsWith(`${key}=`))?.slice(key.length + 1) ?? null;
    return list
      .map((s) => ({ id: s.id, shortId: s.short_id, time: s.time, kind: tag(s, 'kind') === 'db' ? ('db' as const) : ('files' as const), db: tag(s, 'db'), run: tag(s, 'run'), tags: s.tags ?? [] }))
      .sort((a, b) => b.time.localeCompare(a.time));
  }

  async ls(serverId: string, site: string, snapshot: string, path: string): Promise<{ entries: SnapshotEntry[]; truncated: boolean }> {
    const dir = path === '' ? `/home/${site}` : `/home/${site}/${path}`;
    const out = await this.restic(serverId, `ls --json ${shQuote(snapshot)} ${shQuote(dir)} | head -n ${LS_MAX + 2}`);
    const entries: SnapshotEntry[] = [];
    for (const line of out.split('\n')) {
      if (!line.startsWith('{')) continue;
      const n = JSON.parse(line) as { struct_type?: string; name?: string; type?: string; path?: string; size?: number; mtime?: string };
      if (n.struct_type !== 'node' || !n.path || n.path === dir || !n.path.startsWith(`/home/${site}/`)) continue;
      const type = n.type === 'dir' || n.type === 'file' || n.type === 'symlink' ? n.type : 'other';
      entries.push({ path: n.path.slice(`/home/${site}/`.length), name: n.name ?? '', type, size: n.size ?? null, mtime: n.mtime ?? null });
    }
    return { entries: entries.slice(0, LS_MAX), truncated: entries.length > LS_MAX };
  }

  restoreFiles(serverId: string, input: { site: string; snapshot: string; paths: string[]; to: 'place' | 'beside'; confirm?: string | undefined }): Task[] {
    this.sites.site(serverId, input.site);
    if (input.to === 'place' && input.confirm !== input.site) throw AppError.worded('invalid-input', msg('Restoring in place overwrites the site\'s files: type the site\'s name "{{site}}" to confirm.'), { site: input.site }, { fields: { confirm: `Must be "${input.site}" to confirm` } });
    const repo = this.repo(serverId);
    return [this.queue.enqueue(serverId, 'backup.restore-files', { site: input.site, snapshot: input.snapshot, paths: input.paths, to: input.to, stamp: stampOf(new Date()), ...repo })];
  }

  restoreDb(serverId: string, input: { site: string; snapshot: string; db: string; to: 'place' | 'scratch'; confirm?: string | undefined }): { tasks: Task[]; database: string } {
    const record = this.sites.site(serverId, input.site);
    if (!record.databases.some((d) => d.name === input.db)) throw AppError.worded('not-found', msg('Site {{site}} has no database {{db}} in Hostdeck\'s records.'), { site: input.site, db: input.db }, { fields: { db: 'Not a database of this site' } });
    if (input.to === 'place' && input.confirm !== input.db) throw AppError.worded('invalid-input', msg('Restoring in place replaces the database: type its name "{{db}}" to confirm.'), { db: input.db }, { fields: { confirm: `Must be "${input.db}" to confirm` } });
    const target = input.to === 'place' ? input.db : `${input.db}_restore_${stampOf(new Date())}`;
    if (target.length > 64) throw AppError.worded('invalid-input', msg('The scratch copy\'s name {{name}} would be longer than MySQL\'s 64 characters; restore in place instead.'), { name: target }, { fields: { db: 'Name too long for a scratch copy' } });
    return { tasks: [this.queue.enqueue(serverId, 'backup.restore-db', this.dbParams(serverId, input.site, input.snapshot, input.db, target, input.to === 'scratch'))], database: target };
  }

  private dbParams(serverId: string, site: string, snapshot: string, db: string, target: string, fresh: boolean) {
    const repo = this.repo(serverId);
    const { mysql } = this.sites.state(serverId).settings;
    return { site, snapshot, db, target, fresh, ...repo, socket: mysql.socket, defaultsFile: mysql.defaultsFile };
  }

  dropScratch(serverId: string, site: string, database: string, confirm: string): Task[] {
    const record = this.sites.site(serverId, site);
    if (!record.databases.some((d) => new RegExp(`^${d.name}_restore_\\d{8}_\\d{4}$`).test(database))) throw AppError.worded('invalid-input', msg('{{database}} is not a scratch copy of a database of site {{site}} (<db>_restore_<yyyymmdd_hhmm>).'), { database, site }, { fields: { database: 'Not a scratch copy' } });
    if (confirm !== database) throw AppError.worded('invalid-input', msg('Type "{{database}}" to confirm dropping it.'), { database }, { fields: { confirm: `Must be "${database}" to confirm` } });
    const { mysql } = this.sites.state(serverId).settings;
    return [this.queue.enqueue(serverId, 'backup.drop-scratch', { site, database, socket: mysql.socket, defaultsFile: mysql.defaultsFile })];
  }

  /**
   * The whole site from one run: its files snapshot into the home and each database snapshot in
   * place. A site gone from the records is created first with the normal site tasks, its
   * databases with new passwords (returned once).
   */
  async restoreSite(serverId: string, site: string, run: string, confirm: string): Promise<{ tasks: Task[]; passwords: { db: string; user: string; password: string }[] }> {
    if (confirm !== site) throw AppError.worded('invalid-input', msg('Restoring a whole site overwrites its files and databases: type the site\'s name "{{site}}" to confirm.'), { site }, { fields: { confirm: `Must be "${site}" to confirm` } });
    const snaps = (await this.snapshots(serverId, site)).filter((s) => s.run === run);
    const files = snaps.find((s) => s.kind === 'files');
    if (!files) throw AppError.worded('not-found', msg('No backup run {{run}} of site {{site}} in the repository.'), { run, site }, { fields: { run: 'Not found' } });
    const tasks: Task[] = [];
    const passwords: { db: string; user: string; password: string }[] = [];
    const exists = this.sites.sites(serverId).some((s) => s.name === site);
    if (!exists) {
      const known = this.store.get(serverId).known[site];
      tasks.push(...(await this.sites.create(serverId, { name: site, quotaMb: known?.quotaMb ?? 0 })).tasks);
      for (const db of known?.databases ?? []) {
        if (!snaps.some((s) => s.kind === 'db' && s.db === db.name)) continue;
        const made = await this.sites.createDb(serverId, { site, name: db.name, user: db.user });
        passwords.push({ db: made.name, user: made.user, password: made.password });
        tasks.push(...made.tasks);
      }
    }
    const repo = this.repo(serverId);
    const databases = this.sites.site(serverId, site).databases.map((d) => d.name);
    tasks.push(
      ...this.queue.enqueueAll(serverId, [
        { kind: 'backup.restore-files', params: { site, snapshot: files.id, paths: [''], to: 'place', stamp: stampOf(new Date()), ...repo } },
        ...snaps.filter((s) => s.kind === 'db' && s.db !== null && databases.includes(s.db)).map((s) => ({ kind: 'backup.restore-db', params: this.dbParams(serverId, site, s.id, s.db!, s.db!, false) })),
      ]),
    );
    return { tasks, passwords };
  }

  /** Sites whose backup is due now by their policy (and none waits in the queue). */
  due(serverId: string, now: Date): string[] {
    const s = this.store.get(serverId);
    if (s.repoRef === null) return [];
    return this.sites
      .sites(serverId)
      .map((site) => site.name)
      .filter((site) => {
        const last = Math.max(0, ...[s.last[site]?.at, s.queuedAt[site]].filter((t): t is string => !!t).map((t) => Date.parse(t)));
        return isDue((s.sitePolicies[site] ?? s.policy).schedule, last, now) && !this.waitingBackup(serverId, site);
      });
  }

  /** Queues every due backup of every server (or of those given); returns "server/site" of each queued. */
  tick(now = new Date(), servers: string[] = this.store.servers()): string[] {
    const queued: string[] = [];
    for (const serverId of servers) {
      let due: string[];
      try {
        due = this.due(serverId, now);
      } catch {
        continue; // a server no longer in the inventory
      }
      for (const site of due) {
        try {
          this.enqueueBackup(serverId, site);
          queued.push(`${serverId}/${site}`);
        } catch (error) {
          this.log(`[hostdeck] scheduled backup of ${site} not queued: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    return queued;
  }

  /** For fleet health: sites whose last successful backup is older than their policy allows (from the records; no SSH). */
  ageWarnings(serverId: string, now = new Date()): string[] {
    const s = this.store.get(serverId);
    if (s.repoRef === null) return [];
    let names: string[];
    try {
      names = this.sites.sites(serverId).map((x) => x.name);
    } catch {
      return [];
    }
    return names.flatMap((site) => {
      const warning = staleBackup(site, (s.sitePolicies[site] ?? s.policy).schedule, s.last[site]?.okAt ?? null, s.queuedAt[site] ?? null, now);
      return warning ? [warning] : [];
    });
  }

  /**
   * Team mode: one workstation at a time queues a server's scheduled backups (two ticking at once
   * would queue each backup twice), and only one whose keychain holds that server's repository
   * password (each person's secrets are their own): another would queue backups it cannot run.
   */
  private lead: ((serverId: string) => Promise<boolean>) | null = null;

  useScheduleLead(lead: (serverId: string) => Promise<boolean>): void {
    this.lead = lead;
  }

  /** The scheduler's minute: every due backup of the servers this workstation may schedule. */
  async scheduledTick(now = new Date()): Promise<string[]> {
    const lead = this.lead;
    if (!lead) return this.tick(now);
    const mine: string[] = [];
    for (const serverId of this.store.servers()) {
      const ref = this.store.get(serverId).repoRef;
      if (ref === null || !(await this.keychain.get(ref).catch(() => null))) continue;
      if (await lead(serverId).catch(() => false)) mine.push(serverId);
    }
    return this.tick(now, mine);
  }

  start(): void {
    this.timer = setInterval(() => void this.scheduledTick(), MINUTE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe();
  }
}
