// Typed event streams pushed from the core to every connected window.
import { z } from 'zod';
import { AuthPrompt, ConnectionState } from './domain';
import { TerminalState } from './api/terminal';
import { HealthChange, ServerHealth } from './api/health';
import { TailState } from './api/logs';
import { Task } from './queue';

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
  /** Team mode: shared records changed (another workstation's write, or this one's): refetch what shows them. */
  'team.changed': z.object({ table: z.string(), ids: z.array(z.string()) }),
  /** Progress of a database export or import job. */
  'db.progress': z.object({ jobId: z.string(), rows: z.number(), bytes: z.number(), statements: z.number(), done: z.boolean() }),
  /** Output of a terminal (UTF-8 decoded across chunk boundaries); the owner acks it once rendered. */
  'terminal.data': z.object({ terminalId: z.string(), data: z.string() }),
  /** A terminal's shell is starting, running, coming back after a dropped connection, or gone. */
  'terminal.state': z.object({ terminalId: z.string(), state: TerminalState, reason: z.string().optional() }),
  /** The shell ended by itself (exit status, or the signal that killed it). */
  'terminal.exit': z.object({ terminalId: z.string(), code: z.number().nullable(), signal: z.string().nullable() }),
  /** A server was checked; `change` is set when its status differs from the previous check. */
  'health.changed': z.object({ health: ServerHealth, change: HealthChange.optional() }),
  /** A task of a server's queue was added or changed (here or in another app instance). */
  'queue.changed': z.object({ serverId: z.string(), task: Task }),
  /** Output of a cron job's "Run now" (to the window that started it). */
  'cron.output': z.object({ runId: z.string(), data: z.string() }),
  /** The run ended: its exit code (null: it did not start, see error); stillRunning when its previous run held the lock. */
  'cron.done': z.object({ runId: z.string(), exitCode: z.number().int().nullable(), stillRunning: z.boolean(), error: z.string().optional() }),
  /** New lines of a live log tail (batched); the owner acks them once shown (logs.ack). */
  'logs.lines': z.object({ tailId: z.string(), lines: z.array(z.string()) }),
  /** A tail is running, waiting for its connection to come back, or over (with why). */
  'logs.state': z.object({ tailId: z.string(), state: TailState, reason: z.string().optional() }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
