// Connects one window (any message transport) to the core: calls in, results and events out.
// Both adapters — Electron's MessagePort and the browser-mode WebSocket — use only this.
import { randomUUID } from 'node:crypto';
import type { CallMessage, CoreToWindow } from '../../shared/protocol';
import type { Core } from './core';

export function attachWindow(core: Core, send: (message: CoreToWindow) => void): {
  receive(raw: unknown): void;
  detach(): void;
} {
  const windowId = randomUUID();
  const unsubscribe = core.subscribe((event, payload, to) => {
    if (to === undefined || to === windowId) send({ kind: 'event', event, payload });
  });
  return {
    receive(raw) {
      const call = raw as Partial<CallMessage> | null;
      if (!call || call.kind !== 'call' || typeof call.id !== 'number' || typeof call.method !== 'string') return;
      const id = call.id;
      void core.call(call.method, call.input, { windowId }).then((result) => send({ kind: 'result', id, ...result }));
    },
    detach() {
      unsubscribe();
      core.windowClosed(windowId);
    },
  };
}
