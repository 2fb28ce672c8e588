// "Prepare server"'s part of the contract.
import type { prepareApi } from '../../../shared/api/prepare';
import type { HandlersFor } from '../dispatch';
import type { PrepareService } from './service';

export function prepareHandlers(prepare: PrepareService): HandlersFor<typeof prepareApi> {
  return {
    'prepare.preflight': async ({ serverId }) => prepare.preflight(serverId),
    'prepare.preview': async (input) => prepare.preview(input),
    'prepare.enqueue': async (input) => ({ tasks: await prepare.enqueue(input) }),
  };
}
