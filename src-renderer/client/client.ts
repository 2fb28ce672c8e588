// The typed contract client: call(method, input) resolves to the method's output or throws
// an AppError; events arrive through on(). No other way to reach the core exists.
import type { Input, Method, Output } from '../../shared/api';
import { AppError } from '../../shared/errors';
import { i18n } from '../i18n';
import { localError } from '../i18n/core-text';
import type { EventName, EventPayload } from '../../shared/events';
import type { Transport } from '../../shared/protocol';
import { openTransport, type ConnectionState } from './transport';

type Pending = { resolve: (value: unknown) => void; reject: (error: AppError) => void };

export class Client {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly transport: Transport;
  state: ConnectionState = 'connecting';

  constructor() {
    this.transport = openTransport((state) => {
      this.state = state;
      if (state === 'closed') this.failPending();
      for (const listener of this.stateListeners) listener(state);
    });
    this.transport.onMessage((message) => {
      if (message.kind === 'result') {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.output);
        else pending.reject(localError(message.error));
      } else {
        for (const listener of this.eventListeners.get(message.event) ?? []) listener(message.payload);
      }
    });
  }

  call<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
    const id = this.nextId++;
    return new Promise<Output<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.transport.send({ kind: 'call', id, method, input });
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.eventListeners.get(event) ?? new Set();
    this.eventListeners.set(event, set);
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private failPending(): void {
    for (const [id, pending] of this.pending) {
      pending.reject(new AppError('internal', i18n.t('The connection to the Hostdeck core was lost; try again.')));
      this.pending.delete(id);
    }
  }
}

export const client = new Client();
