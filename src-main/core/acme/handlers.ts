// ACME's part of the contract.
import type { acmeApi } from '../../../shared/api/acme';
import type { HandlersFor } from '../dispatch';
import type { AcmeService } from './service';

export function acmeHandlers(acme: AcmeService): HandlersFor<typeof acmeApi> {
  return {
    'acme.settings': async () => ({ settings: acme.settings() }),
    'acme.setSettings': async (settings) => ({ settings: acme.setSettings(settings) }),
    'acme.checkNames': async (input) => ({ results: await acme.checkNames(input) }),
    'acme.preview': async (input) => acme.preview(input),
    'acme.issue': async (input) => acme.issue(input),
  };
}
