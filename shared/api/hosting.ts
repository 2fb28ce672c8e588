// The hosting layer's part of the contract — sites (hosting accounts) for now. The app holds
// what each server should have; every change is recorded here and becomes queued tasks that
// bring the server in line (see the server's Queue tab).
import { z } from 'zod';
import { ServerId } from '../domain';
import { FtpCreate, FtpUser, SiteCreate, SiteName } from '../hosting';
import { Task } from '../queue';

export const SiteStatus = z.enum(['active', 'suspended']);
export type SiteStatus = z.infer<typeof SiteStatus>;

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
});
export type SiteRecord = z.infer<typeof SiteRecord>;

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

const SiteRef = z.object({ serverId: ServerId, site: SiteName }).strict();

export const hostingApi = {
  /** The sites the app holds for a server (its desired state), by name. */
  'hosting.sites': {
    input: z.object({ serverId: ServerId }).strict(),
    output: z.object({ sites: z.array(SiteRecord), ftp: FtpSettings }),
  },
  /** Where this server's pure-ftpd keeps its users (passwd file and puredb); used by FTP tasks queued from now on. */
  'hosting.setFtpSettings': {
    input: FtpSettings.extend({ serverId: ServerId }).strict(),
    output: z.object({ ftp: FtpSettings }),
  },
  /** Records an FTP login of a site and queues ftp.create. The password (generated if not given) is returned once and never kept. */
  'hosting.createFtp': {
    input: FtpCreate.extend({ serverId: ServerId }).strict(),
    output: z.object({ user: z.string(), password: z.string(), tasks: z.array(Task) }),
  },
  /** Removes an FTP login from the records and queues ftp.delete. */
  'hosting.deleteFtp': {
    input: SiteRef.extend({ user: FtpUser }).strict(),
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
} as const;
