// Typed event streams pushed from the core to every connected window.
import { z } from 'zod';
import { AuthPrompt, ConnectionState } from './domain';

export const events = {
  /** The inventory changed (any window may have caused it): refetch servers. */
  'inventory.changed': z.object({ ids: z.array(z.string()) }),
  /** A server's SSH connection changed state (connecting, connected, reconnecting in N s, …). */
  'ssh.state': z.object({ serverId: z.string(), state: ConnectionState }),
  /** The server (or an encrypted key) asks the user something; answer with ssh.answerPrompt. */
  'ssh.prompt': AuthPrompt,
  /** A prompt was answered, cancelled or timed out (close it in every window). */
  'ssh.promptClosed': z.object({ id: z.string() }),
  'settings.changed': z.object({}),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
