// The SSH layer's part of the contract: connection states, login prompts, settings.
import type { sshApi } from '../../../shared/api/ssh';
import { Settings } from '../../../shared/domain';
import type { HandlersFor } from '../dispatch';
import type { EventHub } from '../events';
import type { InventoryStore } from '../inventory/store';
import type { ConnectionManager } from './connections';
import type { PromptBroker } from './prompts';

export function sshHandlers(connections: ConnectionManager, prompts: PromptBroker, store: InventoryStore, events: EventHub): HandlersFor<typeof sshApi> {
  const ok = { ok: true as const };
  return {
    'ssh.states': async () => connections.states(),
    'ssh.prompts': async () => prompts.open(),
    'ssh.answerPrompt': async ({ id, answers, remember }) => {
      prompts.answer(id, answers, remember ?? false);
      return ok;
    },
    'ssh.cancelPrompt': async ({ id }) => {
      prompts.cancel(id);
      return ok;
    },
    'ssh.disconnect': async ({ serverId }) => {
      connections.disconnect(serverId);
      return ok;
    },
    'settings.get': async () => store.settings(),
    'settings.update': async (patch) => {
      const next = Settings.parse({ ...store.settings(), ...patch });
      await store.saveSettings(next);
      events.emit('settings.changed', {});
      return next;
    },
  };
}
