// A tiny typed emitter for the contract's event streams. An event may be for one window only
// (`to`: a terminal's output goes to the window that opened it); otherwise every window gets it.
import type { EventName, EventPayload } from '../../shared/events';

export type EventListener = (event: EventName, payload: unknown, to?: string) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>, to?: string): void {
    for (const listener of this.listeners) listener(event, payload, to);
  }
}
