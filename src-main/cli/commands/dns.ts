// dns plan [ZONE...] | dns push [ZONE...|--all]: the zones' changes against what was last
// pushed, and the push to every nameserver (waits for its tasks).
import type { Command } from 'commander';
import type { ZonePlan } from '../../../shared/api/dns';
import type { DnsRecord } from '../../../shared/dns';
import type { Task } from '../../../shared/queue';
import { action } from '../action';
import type { Out } from '../output';
import { CliError, EXIT_BAD_INPUT } from '../session';
import { exitOf, waitForTasks } from '../wait';
import { printTasks } from './queue';

export function dnsCommands(program: Command): void {
  const dns = program.command('dns').description('DNS zones kept by Hostdeck');
  dns
    .command('plan')
    .argument('[zones...]', 'zones (default: every zone)')
    .description('what a push would change in each zone')
    .action(
      action(async ({ s, out, args }) => {
        const zones = args[0] as unknown as string[];
        const { plans } = await s.call<{ plans: ZonePlan[] }>('dns.plan', zones.length ? { zones } : {});
        out.result(plans, () => printPlans(out, plans));
      }),
    );
  dns
    .command('push')
    .argument('[zones...]', 'zones to push')
    .option('--all', 'every zone with changes')
    .option('--yes', 'also push zones whose plan asks for a confirmation (most records removed, apex NS changed)')
    .description('push zones to every nameserver; waits until each nameserver\'s task is done or failed')
    .action(
      action(async ({ s, out, args, opts }) => {
        const zones = args[0] as unknown as string[];
        if (zones.length > 0 && opts.all) throw new CliError('Name zones or give --all, not both.', EXIT_BAD_INPUT);
        if (zones.length === 0 && !opts.all) throw new CliError('Name the zones to push, or give --all for every zone with changes.', EXIT_BAD_INPUT);
        await s.mayChange('Pushing zones');
        const named = zones.length ? { zones } : {};
        const confirm = opts.yes ? (await s.call<{ plans: ZonePlan[] }>('dns.plan', named)).plans.filter((p) => p.confirmReasons.length > 0).map((p) => p.zone) : [];
        let push: { serials: Record<string, number>; tasks: Task[] };
        try {
          push = await s.call('dns.push', { ...named, confirm });
        } catch (error) {
          if (error instanceof CliError && error.shape?.data?.zones) throw new CliError(`${error.message} Check them with "hostdeck dns plan", then push again with --yes.`, EXIT_BAD_INPUT, error.shape);
          throw error;
        }
        if (push.tasks.length === 0) {
          out.result({ serials: {}, tasks: [] }, () => out.line('Nothing to push: no zone has changes.'));
          return 0;
        }
        out.progress(`Pushing ${Object.entries(push.serials).map(([z, serial]) => `${z} (serial ${serial})`).join(', ')}`);
        const waited = await waitForTasks(s, push.tasks, out);
        out.result({ serials: push.serials, tasks: waited.tasks }, () => printTasks(out, waited.tasks));
        return exitOf(waited);
      }),
    );
}

function printPlans(out: Out, plans: ZonePlan[]): void {
  if (plans.length === 0) out.line('No zones.');
  for (const p of plans) {
    const counts = `+${p.added.length} ~${p.changed.length} -${p.removed.length}${p.soaChanged ? ', SOA changed' : ''}`;
    out.line(`${p.zone}: ${p.isNew ? 'new, never pushed' : p.hasChanges ? 'changes' : 'no changes'} (${counts})`);
    for (const r of p.added) out.line(`  + ${record(r)}`);
    for (const c of p.changed) out.line(`  ~ ${record(c.from)}  →  ${record(c.to)}`);
    for (const r of p.removed) out.line(`  - ${record(r)}`);
    for (const reason of p.confirmReasons) out.line(`  ! needs --yes to push: ${reason}`);
  }
}

function record(r: DnsRecord): string {
  return `${r.name} ${r.ttl} ${r.type} ${r.value}`;
}
