// The hosting layer's part of the contract — sites (hosting accounts) for now. The app holds
// what each server should have; every change is recorded here and becomes queued tasks that
// bring the server in line (see the server's Queue tab).
import { z } from 'zod';
import { ServerId } from '../domain';
import { SiteCreate, SiteName } from '../hosting';
import { Task } from '../queue';

export const SiteStatus = z.enum(['active', 'suspended']);
export type SiteStatus = z.infer<typeof SiteStatus>;

export const SiteRecord = z.object({
  name: z.string(),
  quotaMb: z.number().int(),
  status: SiteStatus,
  createdAt: z.string(),
});
export type SiteRecord = z.infer<typeof SiteRecord>;

const SiteRef = z.object({ serverId: ServerId, site: SiteName }).strict();

export const hostingApi = {
  /** The sites the app holds for a server (its desired state), by name. */
  'hosting.sites': {
    input: z.object({ serverId: ServerId }).strict(),
    output: z.object({ sites: z.array(SiteRecord) }),
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
