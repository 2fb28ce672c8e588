// The hosting layer's part of the contract (sites for now).
import type { hostingApi } from '../../../shared/api/hosting';
import type { HandlersFor } from '../dispatch';
import type { SiteService } from './sites';

export function hostingHandlers(sites: SiteService): HandlersFor<typeof hostingApi> {
  return {
    'hosting.sites': async ({ serverId }) => ({ sites: sites.sites(serverId), ftp: sites.ftpSettings(serverId) }),
    'hosting.setFtpSettings': async ({ serverId, ...settings }) => ({ ftp: sites.setFtpSettings(serverId, settings) }),
    'hosting.createFtp': async ({ serverId, ...input }) => sites.createFtp(serverId, input),
    'hosting.deleteFtp': async ({ serverId, site, user }) => ({ tasks: sites.deleteFtp(serverId, site, user) }),
    'hosting.createSite': async ({ serverId, ...input }) => sites.create(serverId, input),
    'hosting.suspendSite': async ({ serverId, site }) => ({ tasks: sites.suspend(serverId, site) }),
    'hosting.unsuspendSite': async ({ serverId, site }) => ({ tasks: sites.unsuspend(serverId, site) }),
    'hosting.deleteSite': async ({ serverId, site, confirm }) => ({ tasks: sites.delete(serverId, site, confirm) }),
  };
}
