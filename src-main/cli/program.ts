// The command tree. Global options: where the data folder is, JSON output, the core's log.
import { Command, CommanderError } from 'commander';
import { auditCommands } from './commands/audit';
import { backupCommands } from './commands/backup';
import { dnsCommands } from './commands/dns';
import { queueCommands } from './commands/queue';
import { serverCommands } from './commands/servers';
import { siteCommands } from './commands/sites';
import { EXIT_BAD_INPUT } from './session';

export function buildProgram(): Command {
  const program = new Command('hostdeck')
    .description('Hostdeck on the command line: the same servers, queues, DNS, sites and backups as the app, in this computer\'s data folder.')
    .option('--data-dir <dir>', 'the data folder (default: the app\'s, or $HOSTDECK_DATA_DIR)')
    .option('--json', 'machine-readable output on stdout')
    .option('--verbose', 'the core\'s log on stderr')
    .showHelpAfterError()
    .exitOverride();
  program.addHelpText('after', '\nExit codes: 0 done, 1 a task or a server test failed, 2 bad input (unknown name, invalid value, missing --yes), 3 refused by the team database (the team role of the login may not make the change).');
  serverCommands(program);
  queueCommands(program);
  dnsCommands(program);
  siteCommands(program);
  backupCommands(program);
  auditCommands(program);
  return program;
}

/** Parses and runs; a usage error (unknown command or option, missing argument) exits 2. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
  }
}
