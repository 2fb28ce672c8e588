// The sandboxed preload: receives the MessagePort to the core from the main process and exposes
// exactly one narrow object to the page, `window.hostdeck`, implementing the contract's Transport
// ({ send, onMessage }). Nothing else from Electron or Node reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import type { CallMessage, CoreToWindow, Transport } from '../../shared/protocol';

const PORT_CHANNEL = 'hostdeck:port';
const CORE_EXITED_CHANNEL = 'hostdeck:core-exited';

let port: MessagePort | null = null;
/** Calls sent while there is no port (page just loaded, or the core is restarting). */
const queued: CallMessage[] = [];
/** Ids sent on the current port and not answered yet. */
const pending = new Set<number>();
const listeners: Array<(message: CoreToWindow) => void> = [];

function deliver(message: CoreToWindow): void {
  for (const listener of listeners) {
    try {
      listener(message);
    } catch (error) {
      console.error('[hostdeck] a transport listener threw:', error);
    }
  }
}

/**
 * A call already handed to a core that then went away will never be answered. Answer it here,
 * once, so no caller waits forever; it is not re-sent (a call must never run twice), and the
 * message tells the user to check before retrying.
 */
function failPending(): void {
  const ids = [...pending];
  pending.clear();
  for (const id of ids) {
    deliver({
      kind: 'result',
      id,
      ok: false,
      error: {
        code: 'internal',
        message: "Hostdeck's core restarted before answering; check whether the action took effect before retrying it.",
      },
    });
  }
}

function isCoreToWindow(data: unknown): data is CoreToWindow {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as { kind?: unknown; id?: unknown; event?: unknown };
  return (m.kind === 'result' && typeof m.id === 'number') || (m.kind === 'event' && typeof m.event === 'string');
}

function post(message: CallMessage): void {
  if (!port) {
    queued.push(message);
    return;
  }
  pending.add(message.id);
  try {
    port.postMessage(message);
  } catch (error) {
    pending.delete(message.id);
    throw error;
  }
}

function usePort(next: MessagePort): void {
  if (port) {
    port.onmessage = null;
    port.close();
  }
  failPending();
  port = next;
  port.onmessage = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (!isCoreToWindow(data)) return;
    if (data.kind === 'result') pending.delete(data.id);
    deliver(data);
  };
  port.start();
  for (const message of queued.splice(0)) post(message);
}

// Only the main process sends on these channels (renderers cannot address each other).
ipcRenderer.on(PORT_CHANNEL, (event) => {
  const next = event.ports[0];
  if (next) usePort(next);
});
ipcRenderer.on(CORE_EXITED_CHANNEL, () => {
  if (port) {
    port.onmessage = null;
    port.close();
    port = null;
  }
  failPending();
});

const transport: Transport = {
  send(message: CallMessage): void {
    const m = message as Partial<CallMessage> | null;
    if (
      typeof m !== 'object' ||
      m === null ||
      m.kind !== 'call' ||
      typeof m.id !== 'number' ||
      !Number.isSafeInteger(m.id) ||
      typeof m.method !== 'string' ||
      m.method.length === 0 ||
      m.method.length > 200
    ) {
      throw new TypeError('hostdeck.send expects { kind: "call", id: integer, method: string, input }');
    }
    // Re-built from known fields only: nothing else rides along to the core.
    post({ kind: 'call', id: m.id, method: m.method, input: m.input });
  },
  onMessage(listener: (message: CoreToWindow) => void): void {
    if (typeof listener !== 'function') throw new TypeError('hostdeck.onMessage expects a function');
    listeners.push(listener);
  },
};

contextBridge.exposeInMainWorld('hostdeck', transport);
