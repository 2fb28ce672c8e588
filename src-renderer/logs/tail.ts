// The window's side of a live tail: starts it, routes its events (one subscription for every
// view) to the view that owns it, and acknowledges lines once the view has taken them.
import type { TailState } from '../../shared/api/logs';
import { client } from '../client/client';

export type TailEvents = {
  lines(lines: string[]): void;
  state(state: TailState, reason?: string): void;
};

const routes = new Map<string, TailEvents>();
let routing = false;

function route(): void {
  if (routing) return;
  routing = true;
  client.on('logs.lines', ({ tailId, lines }) => routes.get(tailId)?.lines(lines));
  client.on('logs.state', ({ tailId, state, reason }) => routes.get(tailId)?.state(state, reason));
}

export type Tail = { readonly path: string; ack(lines: number): void; stop(): void };

export async function startTail(ref: { serverId: string; site?: string; log: string }, backlog: number, events: TailEvents): Promise<Tail> {
  route();
  const { tailId, path } = await client.call('logs.follow', { ...ref, backlog });
  routes.set(tailId, events);
  return {
    path,
    ack: (lines) => void client.call('logs.ack', { tailId, lines }).catch(() => undefined),
    stop: () => {
      routes.delete(tailId);
      void client.call('logs.stop', { tailId }).catch(() => undefined);
    },
  };
}
