// The hosting layer's part of the contract: sites, FTP logins, databases, domains, adoption.
import type { hostingApi } from '../../../shared/api/hosting';
import type { HandlersFor } from '../dispatch';
import type { ConnectionManager } from '../ssh/connections';
import { merge, scanServer } from './adopt';
import { phpSettings } from './php-plans';
import { phpVersions } from './php-versions';
import type { SiteService } from './sites';

export function hostingHandlers(sites: SiteService, connections: ConnectionManager): HandlersFor<typeof hostingApi> {
  const scan = (serverId: string) => {
    const held = sites.state(serverId);
    return scanServer(connections, serverId, held.settings, held.sites);
  };
  return {
    'hosting.sites': async ({ serverId }) => sites.state(serverId),
    'hosting.setSettings': async ({ serverId, baseVersion, ...change }) => sites.setSettings(serverId, change, baseVersion),
    'hosting.preview': async ({ serverId, change }) => ({ tasks: sites.preview(serverId, change) }),
    'hosting.createFtp': async ({ serverId, ...input }) => sites.createFtp(serverId, input),
    'hosting.deleteFtp': async ({ serverId, site, user }) => ({ tasks: await sites.deleteFtp(serverId, site, user) }),
    'hosting.createSite': async ({ serverId, ...input }) => sites.create(serverId, input),
    'hosting.suspendSite': async ({ serverId, site }) => ({ tasks: await sites.suspend(serverId, site) }),
    'hosting.unsuspendSite': async ({ serverId, site }) => ({ tasks: await sites.unsuspend(serverId, site) }),
    'hosting.deleteSite': async ({ serverId, site, confirm }) => ({ tasks: await sites.delete(serverId, site, confirm) }),
    'hosting.createDb': async ({ serverId, ...input }) => sites.createDb(serverId, input),
    'hosting.setDbPassword': async ({ serverId, site, name, password }) => sites.setDbPassword(serverId, site, name, password),
    'hosting.dropDb': async ({ serverId, site, name, confirm }) => ({ tasks: await sites.dropDb(serverId, site, name, confirm) }),
    'hosting.bindDomain': async ({ serverId, ...input }) => ({ tasks: await sites.bindDomain(serverId, input) }),
    'hosting.unbindDomain': async ({ serverId, site, domain }) => ({ tasks: await sites.unbindDomain(serverId, site, domain) }),
    'hosting.applyAgain': async ({ serverId, site, item, password }) => sites.applyAgain(serverId, site, item, password),
    'hosting.forget': async ({ serverId, site, item }) => ({ site: await sites.forget(serverId, site, item) }),
    'hosting.phpVersions': async ({ serverId }) => ({ installed: await phpVersions(connections, serverId, phpSettings(sites.state(serverId).settings)) }),
    'hosting.setPhp': async ({ serverId, baseVersion, ...input }) => ({ tasks: await sites.setPhp(serverId, input, baseVersion) }),
    'hosting.disablePhp': async ({ serverId, site, baseVersion }) => ({ tasks: await sites.disablePhp(serverId, site, baseVersion) }),
    'hosting.adoptScan': async ({ serverId }) => scan(serverId),
    'hosting.adoptImport': async ({ serverId, sites: chosen }) => {
      const found = await scan(serverId);
      return { sites: await sites.adopt(serverId, (held) => merge(held, found, chosen)) };
    },
  };
}
