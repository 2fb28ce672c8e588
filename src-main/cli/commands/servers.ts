// servers list | servers test SERVER
import type { Command } from 'commander';
import type { ConnectionTestResult } from '../../../shared/api/servers';
import type { Server } from '../../../shared/domain';
import { action } from '../action';
import { CliError, EXIT_FAILED } from '../session';

export function serverCommands(program: Command): void {
  const servers = program.command('servers').description('the inventory');
  servers
    .command('list')
    .description('list the servers')
    .action(
      action(async ({ s, out }) => {
        const all = await s.servers();
        out.result(all, () => out.table(['NAME', 'HOST', 'PORT', 'USER', 'AUTH', 'ROLES', 'TAGS'], all.map(row)));
      }),
    );
  servers
    .command('test')
    .argument('<server>', 'server name (or id)')
    .description('connect to a server and run uname/uptime there (exit 1 if it fails or its host key is not trusted yet)')
    .action(
      action(async ({ s, out, args }) => {
        const server = await s.server(args[0]!);
        let result: ConnectionTestResult;
        try {
          result = await s.call<ConnectionTestResult>('servers.test', { id: server.id });
        } catch (error) {
          // Whatever stops the connection (refused, wrong key, changed host key) is the test failing.
          if (error instanceof CliError) throw new CliError(`${server.name}: ${error.message}`, EXIT_FAILED, error.shape);
          throw error;
        }
        out.result({ server: server.name, ...result }, () =>
          out.line(
            result.status === 'connected'
              ? `${server.name}: connected in ${result.elapsedMs} ms (host key ${result.hostKey.fingerprint}, trusted by ${result.trustedBy}${result.via.length ? `, via ${result.via.join(' → ')}` : ''})\n  ${result.uname}\n  ${result.uptime}`
              : `${server.name}: its host key ${result.hostKey.keyType} ${result.hostKey.fingerprint} is not trusted yet; check it and trust it in the app.`,
          ),
        );
        return result.status === 'connected' ? 0 : EXIT_FAILED;
      }),
    );
}

function row(s: Server): string[] {
  return [s.name, s.host, String(s.port), s.user, s.auth.method, s.roles.join(',') || '-', s.tags.join(',') || '-'];
}
