// Wire messages between a window and the core. The same shapes travel over Electron's
// MessagePort and over the browser-mode WebSocket.
import type { AppErrorShape } from './errors';
import type { EventName } from './events';

export type CallMessage = { kind: 'call'; id: number; method: string; input: unknown };
export type ResultMessage =
  | { kind: 'result'; id: number; ok: true; output: unknown }
  | { kind: 'result'; id: number; ok: false; error: AppErrorShape };
export type EventMessage = { kind: 'event'; event: EventName; payload: unknown };
export type CoreToWindow = ResultMessage | EventMessage;

/** What a window needs from a transport: send a call, hear results and events. */
export interface Transport {
  send(message: CallMessage): void;
  onMessage(listener: (message: CoreToWindow) => void): void;
}
