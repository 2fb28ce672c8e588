// The hosting layer's part of the contract — sites (hosting accounts) for now. The app holds
// what each server should have; every change is recorded here and becomes queued tasks that
// bring the server in line (see the server's Queue tab).
import { z } from 'zod';
import { ServerId } from '../domain';
import { DbCreate, DbName, Domain, DomainBind, ExistingFtpUser, FtpCreate, FtpSubdir, FtpUser, Password, SiteCreate, SiteName } from '../hosting';
import { Task, type TaskStatus } from '../queue';
import { IPV4 } from '../validation';
import { PhpInstalled, PhpSet, PhpSettings, SitePhp } from '../php';
import { CronJob, CronJobId, CronJobSet, CronSettings } from '../cron';
import { SiteTls, TlsOptions } from '../tls';

export const SiteStatus = z.enum(['active', 'suspended']);
export type SiteStatus = z.infer<typeof SiteStatus>;

/** What of a site is created by a task of its own: an FTP login, a database, a domain binding. */
export const ItemKind = z.enum(['ftp', 'db', 'domain']);
export type ItemKind = z.infer<typeof ItemKind>;

/**
 * The task that creates an item of a site on the server (kept until the item goes). While that
 * task is skipped or cancelled the item is recorded but "not applied": the server never got it.
 * `notApplied` keeps that once seen, so the queue forgetting old tasks cannot turn it live.
 */
export const Creation = z.object({
  kind: ItemKind,
  /** The FTP user, the database's name or the domain. */
  name: z.string(),
  taskId: z.string(),
  /** The FTP login's folder, to create it again the same way. */
  subdir: FtpSubdir.optional(),
  notApplied: z.boolean().default(false),
});
export type Creation = z.infer<typeof Creation>;

export const SiteRecord = z.object({
  name: z.string(),
  quotaMb: z.number().int(),
  status: SiteStatus,
  createdAt: z.string(),
  /** The site's FTP logins (pure-ftpd virtual users), by name; passwords are never kept. */
  ftpUsers: z.array(z.string()).default([]),
  /** The site's databases, each with its own MySQL user (passwords are never kept). */
  databases: z.array(z.object({ name: z.string(), user: z.string() })).default([]),
  /** Domains bound to the site (one nginx server block each, serving its web root). */
  domains: z.array(z.object({ domain: z.string(), aliases: z.array(z.string()) })).default([]),
  /** The creating task of each FTP login, database and domain recorded through Hostdeck (not adopted ones). */
  creations: z.array(Creation).default([]),
  /** The site's PHP-FPM pool (absent: no PHP). */
  php: SitePhp.optional(),
  /** The site's cron jobs (one file in the cron folder, run as the site's user). */
  cron: z.array(CronJob).default([]),
  /** Bound domains with a certificate (HTTPS), by domain. */
  tls: z.array(SiteTls).default([]),
});
export type SiteRecord = z.infer<typeof SiteRecord>;

/**
 * Where an item of a site stands: `applied` (its task is done, or it was adopted), `queued`
 * (its task is pending or running), `failed` (its task failed; the queue waits for an answer),
 * `not-applied` (its task was skipped or cancelled: only the record has it).
 */
export type ItemState = 'applied' | 'queued' | 'failed' | 'not-applied';

export function itemState(site: SiteRecord, kind: ItemKind, name: string, tasks: readonly { id: string; status: TaskStatus }[]): ItemState {
  const creation = site.creations.find((c) => c.kind === kind && c.name === name);
  if (!creation) return 'applied';
  if (creation.notApplied) return 'not-applied';
  const status = tasks.find((t) => t.id === creation.taskId)?.status;
  return status === 'skipped' || status === 'cancelled' ? 'not-applied' : status === 'pending' || status === 'running' ? 'queued' : status === 'failed' ? 'failed' : 'applied';
}

/** An FTP login (by user), a database (by name) or a domain of a site, for "apply again": a login is created, so its name follows the rule for new ones. */
export const SiteItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ftp'), name: FtpUser }).strict(),
  z.object({ kind: z.literal('db'), name: DbName }).strict(),
  z.object({ kind: z.literal('domain'), name: Domain }).strict(),
], { error: 'Item must be an FTP login, a database or a domain' });
export type SiteItem = z.infer<typeof SiteItem>;

/** The same for "forget": any recorded login, also one named under the older rule. */
export const RecordedSiteItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ftp'), name: ExistingFtpUser }).strict(),
  z.object({ kind: z.literal('db'), name: DbName }).strict(),
  z.object({ kind: z.literal('domain'), name: Domain }).strict(),
], { error: 'Item must be an FTP login, a database or a domain' });

/** How an item is named to the admin ("FTP login shop_up"). */
export function itemLabel(item: { kind: ItemKind; name: string }): string {
  return `${item.kind === 'ftp' ? 'FTP login' : item.kind === 'db' ? 'database' : 'domain'} ${item.name}`;
}

/** An absolute path on the server of plain segments (letters, digits, `._-`; no `..`). */
export const FtpPath = z
  .string({ error: 'Path is required' })
  .max(255, 'Path is too long (at most 255 characters)')
  .regex(/^(\/[A-Za-z0-9_.][A-Za-z0-9._-]{0,63})+$/, 'An absolute path of letters, digits, ".", "_" and "-" (like /etc/pure-ftpd/pureftpd.passwd)')
  .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), 'No "." or ".." segments');

/** Where a server's pure-ftpd keeps its virtual users. */
export const FtpSettings = z.object({ passwdFile: FtpPath, dbFile: FtpPath }).strict();
export type FtpSettings = z.infer<typeof FtpSettings>;
/** Debian's pure-ftpd layout. */
export const DEFAULT_FTP_SETTINGS: FtpSettings = { passwdFile: '/etc/pure-ftpd/pureftpd.passwd', dbFile: '/etc/pure-ftpd/pureftpd.pdb' };

/** nginx `listen` value: a port, or an IPv4 address and port. */
export const ListenAddress = z
  .string({ error: 'Listen address is required' })
  .refine((v) => /^\d{1,5}$/.test(v.slice(v.lastIndexOf(':') + 1)) && (!v.includes(':') || IPV4.test(v.slice(0, v.lastIndexOf(':')))), 'A port (80) or an IPv4 address and port (203.0.113.5:80)')
  .refine((v) => { const port = Number(v.split(':').pop()); return port >= 1 && port <= 65535; }, 'The port must be between 1 and 65535');

/** Where a server's nginx keeps Hostdeck's server blocks and how it is checked and reloaded. */
export const WebSettings = z
  .object({
    /** Folder whose *.conf nginx includes (Hostdeck writes hostdeck-<site>-<domain>.conf there). */
    vhostDir: FtpPath,
    /** nginx's main config: `nginx -t -c` checks it, `nginx -s reload -c` reloads it. */
    nginxConf: FtpPath,
    listen: ListenAddress,
    /** A file <site> here means the site is suspended: its server blocks answer the suspension page. */
    suspendedDir: FtpPath,
    /** HTTPS: certificates as <tlsDir>/<site>/<domain>.crt (0644) and .key (0600). Defaulted so that settings saved before HTTPS still parse. */
    tlsDir: FtpPath.default('/etc/ssl/hostdeck'),
    /** nginx `listen` of the HTTPS server blocks. */
    tlsListen: ListenAddress.default('443'),
  })
  .strict();
export type WebSettings = z.infer<typeof WebSettings>;
/** Debian's nginx layout. */
export const DEFAULT_WEB_SETTINGS: WebSettings = { vhostDir: '/etc/nginx/sites-enabled', nginxConf: '/etc/nginx/nginx.conf', listen: '80', suspendedDir: '/etc/nginx/hostdeck-suspended', tlsDir: '/etc/ssl/hostdeck', tlsListen: '443' };

/**
 * How tasks reach the server's MySQL: the `mysql` client run on the server as the SSH user, by
 * default with its own defaults (Debian: root through the unix socket, no password).
 */
export const MysqlSettings = z
  .object({
    /** The server's socket, when not the client's default. */
    socket: FtpPath.nullable(),
    /** An option file with the admin login (e.g. /root/.my.cnf), when not the client's default. */
    defaultsFile: FtpPath.nullable(),
  })
  .strict();
export type MysqlSettings = z.infer<typeof MysqlSettings>;
export const DEFAULT_MYSQL_SETTINGS: MysqlSettings = { socket: null, defaultsFile: null };

/** Where the sites' logs live on a server and how long they are kept (shared/api/logs.ts has the rest of the logs). */
export const LogSettings = z
  .object({
    /** Each site logs into <dir>/<site>/ (root's, readable by the site's group). */
    dir: FtpPath,
    /** The site's rotation rule is <rotateDir>/hostdeck-<site>. */
    rotateDir: FtpPath,
    /** Rotated files kept (one a day). */
    keep: z.number({ error: 'Keep must be a number' }).int('Keep must be a whole number of days').min(1, 'Keep at least 1 day').max(365, 'Keep at most 365 days'),
  })
  .strict();
export type LogSettings = z.infer<typeof LogSettings>;
export const DEFAULT_LOG_SETTINGS: LogSettings = { dir: '/var/log/hostdeck', rotateDir: '/etc/logrotate.d', keep: 14 };

/** `php` is absent while the server has Debian's php-fpm layout (DEFAULT_PHP_SETTINGS), `logs` while the sites log into /var/log/hostdeck (DEFAULT_LOG_SETTINGS). */
export const HostingSettings = z.object({ ftp: FtpSettings, web: WebSettings, mysql: MysqlSettings, php: PhpSettings.optional(), cron: CronSettings.optional(), logs: LogSettings.optional() }).strict();
export type HostingSettings = z.infer<typeof HostingSettings>;

/** What an adoption scan found live on a server and Hostdeck does not hold yet. */
export const AdoptionScan = z.object({
  /** Accounts shaped like sites; suspended when the web suspension flag of the site is set. */
  sites: z.array(z.object({ name: z.string(), home: z.string(), status: SiteStatus })),
  ftpUsers: z.array(z.object({ user: z.string(), site: z.string() })),
  databases: z.array(z.object({ name: z.string(), site: z.string(), users: z.array(z.string()) })),
  /** tls: the server block has an HTTPS part (its certificate taken in as uploaded: Hostdeck did not order it). */
  domains: z.array(z.object({ site: z.string(), domain: z.string(), aliases: z.array(z.string()), tls: TlsOptions.optional() })),
  /** Hostdeck's PHP pools (hd-<site>.conf) of sites, with the values read from them. */
  php: z.array(z.object({ site: z.string(), php: SitePhp })).default([]),
  /** The jobs of Hostdeck's cron files (hostdeck-<site>) of sites. */
  cron: z.array(z.object({ site: z.string(), jobs: z.array(CronJob) })).default([]),
  /** Things found that cannot be matched to a site (shown, not importable). */
  notes: z.array(z.string()),
});
export type AdoptionScan = z.infer<typeof AdoptionScan>;

/** Every change an admin can ask of the hosting layer, for a preview of the tasks it becomes. */
export const HostingChange = z.discriminatedUnion('op', [
  z.object({ op: z.literal('createSite'), input: SiteCreate }).strict(),
  z.object({ op: z.literal('suspendSite'), site: SiteName }).strict(),
  z.object({ op: z.literal('unsuspendSite'), site: SiteName }).strict(),
  z.object({ op: z.literal('deleteSite'), site: SiteName }).strict(),
  z.object({ op: z.literal('createFtp'), input: FtpCreate.omit({ password: true }) }).strict(),
  z.object({ op: z.literal('createDb'), input: DbCreate }).strict(),
  z.object({ op: z.literal('dropDb'), site: SiteName, name: DbName }).strict(),
  z.object({ op: z.literal('bindDomain'), input: DomainBind }).strict(),
  z.object({ op: z.literal('unbindDomain'), site: SiteName, domain: Domain }).strict(),
  z.object({ op: z.literal('applyAgain'), site: SiteName, item: SiteItem }).strict(),
  z.object({ op: z.literal('setPhp'), input: PhpSet.extend({ site: SiteName }) }).strict(),
  z.object({ op: z.literal('disablePhp'), site: SiteName }).strict(),
  z.object({ op: z.literal('setUpLogs'), site: SiteName }).strict(),
  z.object({ op: z.literal('setCronJob'), input: CronJobSet.extend({ site: SiteName }) }).strict(),
  z.object({ op: z.literal('removeCronJob'), site: SiteName, id: CronJobId }).strict(),
]);
export type HostingChange = z.infer<typeof HostingChange>;

const SiteRef = z.object({ serverId: ServerId, site: SiteName }).strict();
/** Team mode: the version of the site's record an edit was based on; someone else's change since is a conflict carrying both. */
export const SiteBaseVersion = z.number().int().positive();

export const hostingApi = {
  /** The sites the app holds for a server (its desired state), by name. */
  'hosting.sites': {
    input: z.object({ serverId: ServerId }).strict(),
    /** settingsVersion: team mode's version of the settings, 0 when none were saved yet (a save carries it as baseVersion). */
    /** siteVersions: team mode's version of each site's record (an edit of a site carries it as baseVersion). */
    output: z.object({ sites: z.array(SiteRecord), settings: HostingSettings, settingsVersion: z.number().int().nonnegative().optional(), siteVersions: z.record(z.string(), z.number().int().positive()).optional() }),
  },
  /**
   * Where this server's pure-ftpd, nginx and MySQL keep what tasks change; used by tasks queued
   * from now on. baseVersion (team mode): someone else's change since is a conflict carrying both.
   */
  'hosting.setSettings': {
    input: z.object({ serverId: ServerId, ftp: FtpSettings.optional(), web: WebSettings.optional(), mysql: MysqlSettings.optional(), php: PhpSettings.optional(), cron: CronSettings.optional(), logs: LogSettings.optional(), baseVersion: z.number().int().nonnegative().optional() }).strict(),
    output: z.object({ settings: HostingSettings, version: z.number().int().positive().optional() }),
  },
  /** The tasks a change would queue (titles and exact commands, secrets masked); nothing is recorded or queued. */
  'hosting.preview': {
    input: z.object({ serverId: ServerId, change: HostingChange }).strict(),
    output: z.object({ tasks: z.array(z.object({ kind: z.string(), title: z.string(), commands: z.array(z.string()), params: z.record(z.string(), z.unknown()).optional() })) }),
  },
  /** Records an FTP login of a site and queues ftp.create. The password (generated if not given) is returned once and never kept. */
  'hosting.createFtp': {
    input: FtpCreate.extend({ serverId: ServerId }).strict(),
    output: z.object({ user: z.string(), password: z.string(), tasks: z.array(Task) }),
  },
  /** Removes an FTP login from the records and queues ftp.delete. */
  'hosting.deleteFtp': {
    input: SiteRef.extend({ user: ExistingFtpUser }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Records a new site and queues site.create (Linux account, home, web root, quota). */
  'hosting.createSite': {
    input: SiteCreate.extend({ serverId: ServerId }).strict(),
    output: z.object({ site: SiteRecord, tasks: z.array(Task) }),
  },
  /** Marks the site suspended and queues site.suspend (account locked, shell nologin). */
  'hosting.suspendSite': {
    input: SiteRef,
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Marks the site active and queues site.unsuspend. */
  'hosting.unsuspendSite': {
    input: SiteRef,
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Removes the site from the records and queues site.delete (account, home and files). `confirm` must repeat the site's name. */
  'hosting.deleteSite': {
    input: SiteRef.extend({ confirm: z.string().max(64) }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Records a database of a site and queues db.create (database, its user, grants on it only). The password (generated if not given) is returned once and never kept. */
  'hosting.createDb': {
    input: DbCreate.extend({ serverId: ServerId }).strict(),
    output: z.object({ name: z.string(), user: z.string(), password: z.string(), tasks: z.array(Task) }),
  },
  /** Queues db.password for the database's user; the password (generated if not given) is returned once. */
  'hosting.setDbPassword': {
    input: SiteRef.extend({ name: DbName, password: Password.optional() }).strict(),
    output: z.object({ user: z.string(), password: z.string(), tasks: z.array(Task) }),
  },
  /** Removes a database from the records and queues db.drop (the database and its user). `confirm` must repeat its name. */
  'hosting.dropDb': {
    input: SiteRef.extend({ name: DbName, confirm: z.string().max(64) }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Records a domain (and aliases) of a site and queues domain.bind (an nginx server block serving its web root; nginx -t before reload, the previous config restored on failure). */
  'hosting.bindDomain': {
    input: DomainBind.extend({ serverId: ServerId }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Removes a domain from the records and queues domain.unbind. */
  'hosting.unbindDomain': {
    input: SiteRef.extend({ domain: Domain }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /**
   * Queues again the task that creates a not-applied FTP login, database or domain (its task
   * was skipped or cancelled). A login or database gets a new password (generated if not
   * given), returned once: the earlier one was dropped with its task.
   */
  'hosting.applyAgain': {
    input: SiteRef.extend({ item: SiteItem, password: Password.optional() })
      .strict()
      .refine((v) => v.password === undefined || v.item.kind !== 'domain', { path: ['password'], message: 'A domain has no password' }),
    output: z.object({ password: z.string().nullable(), tasks: z.array(Task) }),
  },
  /** Removes a not-applied FTP login, database or domain from the records; nothing runs on the server. */
  'hosting.forget': {
    input: SiteRef.extend({ item: RecordedSiteItem }).strict(),
    output: z.object({ site: SiteRecord }),
  },
  /** The php-fpm versions installed on the server (binaries matching the PHP settings' binary). Reads only. */
  'hosting.phpVersions': {
    input: z.object({ serverId: ServerId }).strict(),
    output: z.object({ installed: z.array(PhpInstalled) }),
  },
  /** Records the site's PHP and queues php.pool (pool file, php-fpm -t, reload; the previous pool put back on failure) and the site's server blocks passing .php to its socket. */
  'hosting.setPhp': {
    input: PhpSet.extend({ site: SiteName, serverId: ServerId, baseVersion: SiteBaseVersion.optional() }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Removes the site's PHP: server blocks without PHP, then the pool (php.remove). */
  'hosting.disablePhp': {
    input: SiteRef.extend({ baseVersion: SiteBaseVersion.optional() }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Lists the sites, FTP logins, databases and server blocks live on the server that Hostdeck does not hold yet. Reads only. */
  'hosting.adoptScan': {
    input: z.object({ serverId: ServerId }).strict(),
    output: AdoptionScan,
  },
  /** Takes what a scan found into Hostdeck's records as they are (no task runs); only what a fresh scan still shows is taken. */
  'hosting.adoptImport': {
    input: z.object({ serverId: ServerId, sites: z.array(SiteName).max(10_000) }).strict(),
    output: z.object({ sites: z.array(SiteRecord) }),
  },
} as const;
