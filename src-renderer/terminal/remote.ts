// The window's side of one terminal's contract: opens the shell, routes the terminal's events
// (which reach every window) to the tab that owns it, sends input in contract-sized pieces, and
// hands output to xterm.js through a pacer that acknowledges it once parsed — the renderer's half
// of the flow control.
import { TERMINAL_WRITE_MAX, type TerminalState } from '../../shared/api/terminal';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { cutAt, OutputPacer } from './pacer';

export type RemoteEvents = {
  /** Output to render; call `done` once it is parsed. */
  data(data: string, done: () => void): void;
  /** Whether the terminal is on screen (a hidden one parses its output at a low duty cycle). */
  shown(): boolean;
  /** The core's view changed (reconnecting, open again, closed with the reason). */
  state(state: TerminalState, reason?: string): void;
};

type Route = { events: RemoteEvents; pacer: OutputPacer };
const routes = new Map<string, Route>();
let routing = false;

/** One subscription per event for all tabs, so a flood costs one map lookup per message. */
function route(): void {
  if (routing) return;
  routing = true;
  client.on('terminal.data', ({ terminalId, data }) => routes.get(terminalId)?.pacer.push(data));
  client.on('terminal.state', ({ terminalId, state, reason }) => routes.get(terminalId)?.events.state(state, reason));
}

export type Remote = {
  readonly terminalId: string;
  write(data: string): Promise<void>;
  resize(cols: number, rows: number): void;
  /** The tab was just shown: its waiting output goes at once. */
  shown(): void;
  /** Stops routing and closes the shell (if the core still has it). */
  close(): void;
};

export async function openRemote(serverId: string, cols: number, rows: number, events: RemoteEvents): Promise<Remote> {
  route();
  const { terminalId } = await client.call('terminal.open', { serverId, cols, rows });
  const pacer = new OutputPacer({
    write: events.data,
    shown: events.shown,
    ack: (chars) => void client.call('terminal.ack', { terminalId, chars }).catch(() => undefined),
  });
  routes.set(terminalId, { events, pacer });
  return {
    terminalId,
    async write(data) {
      for (const piece of pieces(data)) await client.call('terminal.write', { terminalId, data: piece });
    },
    resize(cols, rows) {
      void client.call('terminal.resize', { terminalId, cols, rows }).catch(() => undefined);
    },
    shown() {
      pacer.wake();
    },
    close() {
      pacer.stop(false);
      if (!routes.delete(terminalId)) return;
      void client.call('terminal.close', { terminalId }).catch(() => undefined);
    },
  };
}

/** Stops routing without telling the core (it already forgot this window's terminals); output
 * still waiting is rendered. */
export function forget(remote: Remote): void {
  routes.get(remote.terminalId)?.pacer.stop(true);
  routes.delete(remote.terminalId);
}

/** Splits a paste into writes the contract accepts, never between the halves of a surrogate pair. */
function pieces(data: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < data.length) {
    const end = cutAt(data, i + TERMINAL_WRITE_MAX);
    out.push(data.slice(i, end));
    i = end;
  }
  return out;
}

export function messageOf(error: unknown): string {
  return error instanceof AppError ? error.message : 'The terminal failed unexpectedly.';
}
