// backup run SITE --server SERVER: a backup of the site now (its task waited for).
import type { Command } from 'commander';
import type { Task } from '../../../shared/queue';
import { action } from '../action';
import { exitOf, waitForTasks } from '../wait';
import { printTasks } from './queue';

export function backupCommands(program: Command): void {
  program
    .command('backup')
    .description('backups of sites (restic on the server)')
    .command('run')
    .argument('<site>', 'site name')
    .requiredOption('--server <server>', 'the site\'s server name (or id)')
    .description('back up a site now; waits until its task is done or failed')
    .action(
      action(async ({ s, out, args, opts }) => {
        const server = await s.server(opts.server as string);
        await s.mayChange(`Backing up ${String(args[0])} on ${server.name}`);
        const { tasks } = await s.call<{ tasks: Task[] }>('backups.backUpNow', { serverId: server.id, site: args[0] });
        const waited = await waitForTasks(s, tasks, out);
        out.result({ server: server.name, site: args[0], tasks: waited.tasks }, () => printTasks(out, waited.tasks));
        return exitOf(waited);
      }),
    );
}
