// A command's run: its core opened on the data folder, its exit code, its errors on stderr.
import path from 'node:path';
import type { Command } from 'commander';
import { defaultDataDir } from '../core/paths';
import { makeOut, type Out } from './output';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILED, openSession, type Session } from './session';

export type Ctx = { s: Session; out: Out; args: string[]; opts: Record<string, unknown> };

/** A command's action: opens the core, runs `fn`, closes the core; its number (or 0) is the exit code. */
export function action(fn: (ctx: Ctx) => Promise<number | void>) {
  return async (...params: unknown[]): Promise<void> => {
    const cmd = params.at(-1) as Command;
    const opts = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean; verbose?: boolean }>();
    const out = makeOut(Boolean(opts.json));
    const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : defaultDataDir();
    const fail = (error: unknown) => {
      process.exitCode = error instanceof CliError ? error.exitCode : EXIT_FAILED;
      out.progress(`hostdeck: ${error instanceof Error ? error.message : String(error)}`);
    };
    let s: Session;
    try {
      s = await openSession(dataDir, opts.verbose ? (line) => out.progress(line) : () => undefined);
    } catch (error) {
      // E.g. a data folder that cannot be created or read.
      return fail(error);
    }
    try {
      const info = await s.call<{ keychainNote: string | null }>('app.info', {});
      if (info.keychainNote) out.progress(`hostdeck: ${info.keychainNote}`);
      process.exitCode = (await fn({ s, out, args: cmd.processedArgs as string[], opts })) ?? 0;
    } catch (error) {
      fail(error);
    } finally {
      await s.close();
    }
  };
}

/** Refuses a destructive command without --yes (exit 2), saying what it would do. */
export function requireYes(ctx: Ctx, what: string): void {
  if (!ctx.opts.yes) throw new CliError(`${what} Run it again with --yes to do it.`, EXIT_BAD_INPUT);
}
