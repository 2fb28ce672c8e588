// sites list [SERVER]: the sites Hostdeck holds for a server (or every web server).
import type { Command } from 'commander';
import type { SiteRecord } from '../../../shared/api/hosting';
import { action } from '../action';

export function siteCommands(program: Command): void {
  program
    .command('sites')
    .description('sites on the web servers')
    .command('list')
    .argument('[server]', 'server name (or id); default: every server with the web role')
    .description('list the sites')
    .action(
      action(async ({ s, out, args }) => {
        const servers = args[0] ? [await s.server(args[0])] : (await s.servers()).filter((x) => x.roles.includes('web'));
        const rows: (SiteRecord & { server: string; serverId: string })[] = [];
        for (const server of servers) {
          const { sites } = await s.call<{ sites: SiteRecord[] }>('hosting.sites', { serverId: server.id });
          rows.push(...sites.map((site) => ({ server: server.name, serverId: server.id, ...site })));
        }
        out.result(rows, () =>
          out.table(
            ['SERVER', 'SITE', 'STATUS', 'QUOTA MB', 'PHP', 'DATABASES', 'DOMAINS'],
            rows.map((r) => [r.server, r.name, r.status, r.quotaMb || 'none', r.php?.version ?? null, r.databases.map((d) => d.name).join(',') || null, r.domains.map((d) => d.domain).join(',') || null]),
          ),
        );
      }),
    );
}
