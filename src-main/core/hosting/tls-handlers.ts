// HTTPS's part of the contract.
import type { tlsApi } from '../../../shared/api/tls';
import type { HandlersFor } from '../dispatch';
import type { TlsService } from './tls-service';

export function tlsHandlers(tls: TlsService): HandlersFor<typeof tlsApi> {
  return {
    'tls.status': async ({ serverId }) => tls.status(serverId),
    'tls.preview': async ({ serverId, site, domain, change }) => ({ tasks: tls.preview(serverId, site, domain, change) }),
    'tls.upload': async (input) => tls.upload(input),
    'tls.setOptions': async ({ serverId, ...input }) => ({ tasks: await tls.setOptions(serverId, input) }),
    'tls.renew': async ({ serverId, site, domain }) => ({ tasks: await tls.renew(serverId, site, domain) }),
    'tls.remove': async ({ serverId, ...input }) => ({ tasks: await tls.remove(serverId, input) }),
  };
}
