// Typed event streams pushed from the core to every connected window.
import { z } from 'zod';

export const events = {
  /** The inventory changed (any window may have caused it): refetch servers. */
  'inventory.changed': z.object({ ids: z.array(z.string()) }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
