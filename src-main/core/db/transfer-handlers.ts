// Export and import's part of the contract.
import type { dbTransferApi } from '../../../shared/api/db';
import type { HandlersFor } from '../dispatch';
import type { DbTransfer } from './transfer';

export function dbTransferHandlers(transfer: DbTransfer): HandlersFor<typeof dbTransferApi> {
  return {
    'db.export': (input) => transfer.export(input),
    'db.import': (input) => transfer.import(input),
    'db.cancelJob': async ({ jobId }) => {
      transfer.cancel(jobId);
      return { ok: true as const };
    },
  };
}
