// The audit log's part of the contract: newest first (one server or all), export to a file,
// verify its hash chain.
import type { dbAuditApi } from '../../../shared/api/db';
import type { HandlersFor } from '../dispatch';
import type { AuditLog } from './audit';
import { resolvePath } from './transfer';

export function dbAuditHandlers(audit: AuditLog): HandlersFor<typeof dbAuditApi> {
  return {
    'db.audit': async ({ serverId, limit }) => audit.entries(serverId, limit),
    'db.exportAudit': async ({ path }) => ({ entries: await audit.export(resolvePath(path)) }),
    'db.verifyAudit': async () => audit.verify(),
  };
}
