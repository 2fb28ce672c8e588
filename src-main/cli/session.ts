// One command-line run's core: opened on the data folder, every call through the contract's
// dispatcher (the same validation as the UI), failures turned into exit codes.
import type { AppErrorShape } from '../../shared/errors';
import type { TeamMe } from '../../shared/api/team-admin';
import type { Server } from '../../shared/domain';
import { createCore, type Core } from '../core/core';

export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
/** Team mode: this login's role may not make the change (the team database refuses it). */
export const EXIT_REFUSED = 3;

/** A failure that ends the run with its exit code; its message goes to stderr. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly shape?: AppErrorShape,
  ) {
    super(message);
  }
}

// What the user can fix by changing the command (a name, a value, a confirmation): exit 2.
const INPUT_CODES: ReadonlySet<string> = new Set(['invalid-input', 'not-found', 'conflict', 'unknown-method']);

export function describeError(e: AppErrorShape): string {
  const lines = [e.message, ...Object.entries(e.fields ?? {}).map(([field, msg]) => `  ${field || 'input'}: ${msg}`)];
  if (e.details) lines.push(`  ${e.details}`);
  return lines.join('\n');
}

export type Session = {
  readonly core: Core;
  call<T>(method: string, input: unknown): Promise<T>;
  servers(): Promise<Server[]>;
  /** The inventory server with this name (or id); exit 2 if there is none. */
  server(nameOrId: string): Promise<Server>;
  /**
   * Before a change: in team mode, a login whose role the team database gives as support (it may
   * change nothing there) is refused at once with exit 3, instead of queueing what the database
   * then refuses. The role is the server's word (team.people), never a setting.
   */
  mayChange(what: string): Promise<void>;
  close(): Promise<void>;
};

export async function openSession(dataDir: string, log: (line: string) => void): Promise<Session> {
  const core = await createCore({ dataDir, log, background: false });
  const call = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await core.call(method, input);
    if (!r.ok) throw new CliError(describeError(r.error), INPUT_CODES.has(r.error.code) ? EXIT_BAD_INPUT : EXIT_FAILED, r.error);
    return r.output as T;
  };
  const servers = () => call<Server[]>('servers.list', {});
  return {
    core,
    call,
    servers,
    server: async (nameOrId) => {
      const all = await servers();
      const found = all.find((s) => s.name === nameOrId) ?? all.find((s) => s.id === nameOrId);
      if (!found) throw new CliError(`No server ${nameOrId} in the inventory (servers: ${all.map((s) => s.name).join(', ') || 'none'}).`, EXIT_BAD_INPUT);
      return found;
    },
    mayChange: async (what) => {
      const people = await call<{ me: TeamMe } | null>('team.people', {});
      if (people?.me.role !== 'support') return;
      throw new CliError(
        `${what}: refused. This team login (${people.me.user}@${people.me.host}) has the support role, which may change nothing in the team database (its server refuses such writes). Ask a team admin for another role.`,
        EXIT_REFUSED,
      );
    },
    close: () => core.close(),
  };
}
