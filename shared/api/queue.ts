// The task queue's part of the contract: list a server's queue, preview a kind's commands, and
// the admin's answers to a stopped queue: retry (also with a new password for a task that lost
// its own), skip, cancel. Tasks are queued only by the methods that mean them (hosting.*, dns.*),
// each with its own checks and confirmations: there is no generic enqueue.
import { z } from 'zod';
import { ServerId } from '../domain';
import { Password } from '../hosting';
import { QueueOverview, Task, TaskKindName } from '../queue';

const Params = z.record(z.string(), z.unknown());

export const queueApi = {
  /** A server's tasks in queue order (finished ones bounded), whether it is stopped on a failure, and whether this app instance runs it. */
  'queue.list': {
    input: z.object({ serverId: ServerId }).strict(),
    /**
     * runnerElsewhere: the workstation running this queue, when it is another (team mode).
     * unanswerable: the listed tasks this login may not retry, skip or cancel (a team's dns login
     * answers DNS tasks only).
     */
    output: z.object({ tasks: z.array(Task), stopped: z.boolean(), runnerHere: z.boolean(), runnerElsewhere: z.string().nullable(), unanswerable: z.array(z.string()) }),
  },
  /** The commands a task of this kind with these parameters would run (secrets masked). */
  'queue.preview': {
    input: z.object({ kind: TaskKindName, params: Params }).strict(),
    output: z.object({ title: z.string(), commands: z.array(z.string()) }),
  },
  /** Runs the failed task again (then the queue goes on). taskId: that failed task; default: the server's failed one. */
  'queue.retry': {
    input: z.object({ serverId: ServerId, taskId: z.string().optional() }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /**
   * Gives a failed task that takes a password (an FTP login, a database user) a new one — for a
   * task whose password was lost (secretLost) — and runs it again. The password is validated as
   * when the login or database was added, held like the original until the task has run, and
   * never returned.
   */
  'queue.retryWithPassword': {
    input: z.object({ serverId: ServerId, taskId: z.string().max(64), password: Password }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Marks the failed task skipped; the queue goes on with the next one. */
  'queue.skip': {
    input: z.object({ serverId: ServerId, taskId: z.string().optional() }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Cancels one pending task, or (no taskId) every pending task of the server. */
  'queue.cancel': {
    input: z.object({ serverId: ServerId, taskId: z.string().optional() }).strict(),
    output: z.object({ tasks: z.array(Task) }),
  },
  /** Per server with a queue: pending, failed and running counts (for badges). */
  'queue.overview': {
    input: z.object({}).strict(),
    output: z.object({ servers: z.array(QueueOverview) }),
  },
} as const;
