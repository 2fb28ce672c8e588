// Task kinds: the hosting layer registers each kind of "ensure" step with its parameter schema,
// its title, the commands it shows (secrets only as SECRET_MASK) and the POSIX sh script the
// worker shell runs (values only through shQuote; secrets only from the secret source, at run
// time, never stored). The product's kinds are the hosting and DNS ones; the queue's own tests
// register theirs from test/.
import type { Client } from 'ssh2';
import type { z } from 'zod';
import { AppError, fieldErrors, msg } from '../../../shared/errors';
import type { WorkerShell } from './worker-shell';

/** Gives a secret by name at run time (e.g. a password held only in memory until its task ran). */
export type SecretSource = (name: string) => Promise<string>;

export type TaskKind<P extends Record<string, unknown> = Record<string, unknown>> = {
  /** Strict validation of the parameters (field errors for the UI). */
  params: z.ZodType<P>;
  title(params: P): string;
  /** What runs, as shown to the admin; a secret appears only as SECRET_MASK. */
  commands(params: P): string[];
  /** The POSIX sh script run in the worker shell (in its own subshell); exit code 0 = done. */
  script(params: P, secrets: SecretSource): string | Promise<string>;
  /**
   * What the script gets as its stdin (e.g. a password from the secret source): passed by the
   * worker shell's stdin option, never on a command line, never stored. Default: /dev/null.
   */
  stdin?(params: P, secrets: SecretSource): Promise<string | undefined>;
  /**
   * Files uploaded over SFTP on the server's connection before the script runs: content from the
   * queue's blob store by its SHA-256 (the parameters carry only the hash).
   */
  uploads?(params: P): TaskUpload[];
  /**
   * Work the core does itself over the server's connection before the script (e.g. a DNS update
   * sent to named from here rather than by a program started there): what it prints goes first
   * in the task's output, and `script` (shell assignments, values through shQuote) goes before the
   * kind's script, which reads what it found there. It runs again with every rerun of the task.
   */
  native?(params: P, io: NativeIo): Promise<{ stdout: string; script: string }>;
  /**
   * Runs after the script exited 0; the task is done only when it resolves (with a line for the
   * task's output). A rejection fails the task with its message.
   */
  verify?(params: P): Promise<string>;
  /**
   * A second step the script may ask for by exiting FOLLOW_UP_EXIT: given what the script printed,
   * the files to upload only then and the script to run after them (e.g. whole zone files for the
   * zones a dynamic update could not change). Its exit code is the task's.
   */
  followUp?(params: P, stdout: string): { uploads: TaskUpload[]; script: string };
  /**
   * The task's secret: the reference in its parameters the secret source resolves, and how a
   * replacement is validated (a task that failed for a lost secret can be given a new one).
   */
  secret?: { ref(params: P): string; value: z.ZodType<string> };
};

export type TaskUpload = { path: string; blob: string; mode: number };

/** What a kind's native step may use: the server's connection, the task's worker shell, blobs by hash. */
export type NativeIo = { client: Client; shell: WorkerShell; blob(sha: string): Promise<Buffer> };

/** The exit code with which a script asks for its kind's followUp step. */
export const FOLLOW_UP_EXIT = 100;

const kinds = new Map<string, TaskKind>();

export function registerTaskKind<P extends Record<string, unknown>>(name: string, kind: TaskKind<P>): void {
  if (!/^[a-z][a-z0-9.-]{0,63}$/.test(name)) throw new Error(`bad task kind name ${name}`);
  kinds.set(name, kind as unknown as TaskKind);
}

export function taskKind(name: string): TaskKind {
  const kind = kinds.get(name);
  if (!kind) throw AppError.worded('invalid-input', msg('Unknown task kind {{kind}}.'), { kind: name.slice(0, 64) }, { fields: { kind: 'Unknown task kind' } });
  return kind;
}

/** Validated parameters, with field errors under `params.<field>`. */
export function parseParams(name: string, params: unknown): Record<string, unknown> {
  const kind = taskKind(name);
  const parsed = kind.params.safeParse(params);
  if (!parsed.success) {
    const fields = Object.fromEntries(Object.entries(fieldErrors(parsed.error.issues)).map(([k, v]) => [k && k !== '_' ? `params.${k}` : 'params', v]));
    throw new AppError('invalid-input', msg('Some fields need attention; nothing was queued.'), { fields });
  }
  return parsed.data;
}

export function describeTask(name: string, params: Record<string, unknown>): { title: string; commands: string[] } {
  const kind = taskKind(name);
  return { title: kind.title(params), commands: kind.commands(params) };
}
