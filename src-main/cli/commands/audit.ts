// audit export [--out FILE]: the audit log of statements sent to customer databases.
import path from 'node:path';
import type { Command } from 'commander';
import type { AuditEntry } from '../../../shared/api/db';
import { action } from '../action';

/** The most entries printed without --out (the contract's limit for a read). */
const PRINT_LIMIT = 10_000;

export function auditCommands(program: Command): void {
  program
    .command('audit')
    .description('the database audit log')
    .command('export')
    .option('--out <file>', 'write the whole log to this file: CSV if it ends in .csv, else JSON lines')
    .description(`export the audit log (without --out: print the last ${PRINT_LIMIT} entries)`)
    .action(
      action(async ({ s, out, opts }) => {
        if (opts.out) {
          const file = path.resolve(opts.out as string);
          const { entries } = await s.call<{ entries: number }>('db.exportAudit', { path: file });
          out.result({ path: file, entries }, () => out.line(`Wrote ${entries} entries to ${file}.`));
          return;
        }
        const entries = await s.call<AuditEntry[]>('db.audit', { serverId: null, limit: PRINT_LIMIT });
        out.result(entries, () => out.table(['AT', 'SERVER', 'DATABASE', 'OUTCOME', 'ROWS', 'STATEMENT'], entries.map((e) => [e.at, e.serverName, e.database, e.outcome, e.rows, e.statement.replace(/\s+/g, ' ')])));
      }),
    );
}
