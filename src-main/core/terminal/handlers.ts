// The terminal's part of the contract. Every call but open names a terminal that the calling
// window owns.
import type { terminalApi } from '../../../shared/api/terminal';
import type { HandlersFor } from '../dispatch';
import type { TerminalService } from './service';

export function terminalHandlers(terminals: TerminalService): HandlersFor<typeof terminalApi> {
  const ok = { ok: true as const };
  return {
    'terminal.open': async ({ serverId, cols, rows }, caller) => ({ terminalId: await terminals.open(serverId, cols, rows, caller.windowId) }),
    'terminal.write': async ({ terminalId, data }, caller) => {
      terminals.write(terminalId, caller.windowId, data);
      return ok;
    },
    'terminal.resize': async ({ terminalId, cols, rows }, caller) => {
      terminals.resize(terminalId, caller.windowId, cols, rows);
      return ok;
    },
    'terminal.ack': async ({ terminalId, chars }, caller) => {
      terminals.ack(terminalId, caller.windowId, chars);
      return ok;
    },
    'terminal.close': async ({ terminalId }, caller) => {
      terminals.close(terminalId, caller.windowId);
      return ok;
    },
  };
}
