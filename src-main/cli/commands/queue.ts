// queue list|retry|skip|cancel SERVER: a server's task queue and the admin's answers to a stopped one.
import type { Command } from 'commander';
import type { Server } from '../../../shared/domain';
import type { Task } from '../../../shared/queue';
import { action, requireYes, type Ctx } from '../action';
import type { Out } from '../output';
import { CliError, EXIT_BAD_INPUT } from '../session';
import { exitOf, waitForTasks } from '../wait';

type Listing = { tasks: Task[]; stopped: boolean; runnerHere: boolean };

export function queueCommands(program: Command): void {
  const queue = program.command('queue').description('a server\'s task queue');
  queue
    .command('list')
    .argument('<server>', 'server name (or id)')
    .description('the server\'s tasks in queue order, and whether the queue is stopped on a failure')
    .action(
      action(async ({ s, out, args }) => {
        const server = await s.server(args[0]!);
        const listing = await s.call<Listing>('queue.list', { serverId: server.id });
        out.result({ server: server.name, tasks: listing.tasks, stopped: listing.stopped }, () => {
          printTasks(out, listing.tasks);
          const failed = listing.tasks.find((t) => t.status === 'failed');
          out.line(failed ? `\nThe queue is stopped at "${failed.title}" (${failed.id}): retry, skip or cancel.` : `\n${listing.tasks.length} task(s); the queue is not stopped.`);
        });
      }),
    );
  queue
    .command('retry')
    .argument('<server>', 'server name (or id)')
    .option('--task <id>', 'the failed task (default: the server\'s failed one)')
    .option('--password-env <name>', 'for a task whose password was lost: read a new one from this environment variable')
    .description('run the failed task again, then the rest of the queue; waits until they are done or one fails')
    .action(
      action(async (ctx) => {
        const { s, args, opts } = ctx;
        const server = await s.server(args[0]!);
        await s.mayChange(`Retrying on ${server.name}`);
        const taskId = (opts.task as string | undefined) ?? failedTask(await s.call<Listing>('queue.list', { serverId: server.id }), server.name).id;
        const envName = opts.passwordEnv as string | undefined;
        const tasks = envName
          ? (await s.call<{ tasks: Task[] }>('queue.retryWithPassword', { serverId: server.id, taskId, password: fromEnv(envName) })).tasks
          : (await s.call<{ tasks: Task[] }>('queue.retry', { serverId: server.id, taskId })).tasks;
        return settle(ctx, server, tasks);
      }),
    );
  queue
    .command('skip')
    .argument('<server>', 'server name (or id)')
    .option('--task <id>', 'the failed task (default: the server\'s failed one)')
    .option('--yes', 'do it (it is refused without)')
    .description('mark the failed task skipped (it never runs), then run the rest of the queue; waits for it')
    .action(
      action(async (ctx) => {
        const { s, args, opts } = ctx;
        const server = await s.server(args[0]!);
        await s.mayChange(`Skipping on ${server.name}`);
        const failed = opts.task ? { id: opts.task as string, title: opts.task as string } : failedTask(await s.call<Listing>('queue.list', { serverId: server.id }), server.name);
        requireYes(ctx, `This marks "${failed.title}" on ${server.name} skipped: what it does is not done.`);
        const { tasks } = await s.call<{ tasks: Task[] }>('queue.skip', { serverId: server.id, taskId: failed.id });
        return settle(ctx, server, tasks);
      }),
    );
  queue
    .command('cancel')
    .argument('<server>', 'server name (or id)')
    .option('--task <id>', 'one pending task (default: every pending task of the server)')
    .option('--yes', 'do it (it is refused without)')
    .description('cancel pending tasks (they never run)')
    .action(
      action(async (ctx) => {
        const { s, args, opts } = ctx;
        const server = await s.server(args[0]!);
        await s.mayChange(`Cancelling on ${server.name}`);
        const pending = (await s.call<Listing>('queue.list', { serverId: server.id })).tasks.filter((t) => t.status === 'pending' && (!opts.task || t.id === opts.task));
        if (pending.length === 0) throw new CliError(`No pending task${opts.task ? ` ${String(opts.task)}` : ''} on ${server.name}.`, EXIT_BAD_INPUT);
        requireYes(ctx, `This cancels ${pending.length} pending task(s) on ${server.name}: ${pending.map((t) => `"${t.title}"`).join(', ')}.`);
        const { tasks } = await s.call<{ tasks: Task[] }>('queue.cancel', { serverId: server.id, ...(opts.task ? { taskId: opts.task } : {}) });
        await report(ctx, server, tasks);
      }),
    );
}

function failedTask(listing: Listing, server: string): Task {
  const failed = listing.tasks.find((t) => t.status === 'failed');
  if (!failed) throw new CliError(`The queue of ${server} has no failed task.`, EXIT_BAD_INPUT);
  return failed;
}

/** A secret comes only from the keychain or an environment variable, never from the command line. */
function fromEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new CliError(`The environment variable ${name} is not set (or empty).`, EXIT_BAD_INPUT);
  return value;
}

/** After an answer: waits for the queue's open tasks (the retried one, those after a skip); exit 1 if one of them fails. */
async function settle(ctx: Ctx, server: Server, answered: Task[]): Promise<number> {
  const { tasks } = await ctx.s.call<Listing>('queue.list', { serverId: server.id });
  const waited = await waitForTasks(ctx.s, tasks.filter((t) => t.status === 'pending' || t.status === 'running'), ctx.out);
  await report(ctx, server, answered);
  return exitOf(waited);
}

/** The tasks an answer took, and the whole queue after it. */
async function report({ s, out }: Ctx, server: Server, answered: Task[]): Promise<void> {
  const { tasks, stopped } = await s.call<Listing>('queue.list', { serverId: server.id });
  const now = answered.map((a) => tasks.find((t) => t.id === a.id) ?? a);
  out.result({ server: server.name, answered: now, tasks, stopped }, () => printTasks(out, tasks));
}

export function printTasks(out: Out, tasks: Task[]): void {
  out.table(
    ['SEQ', 'STATUS', 'KIND', 'TITLE', 'ID'],
    tasks.map((t) => [t.seq, t.status, t.kind, t.title, t.id]),
  );
}
