// Secrets of queued tasks (e.g. an FTP password), held until their task has run: in the OS
// keychain, one entry per task (account `task:<ref>`), so that a task waiting behind a stopped
// queue survives quitting the app or a crash; never in the journal, the audit log, logs or
// records. Where no keychain answers, the keychain keeps them in this process's memory (its
// note says so) and a restart loses them: the task then fails, marked as having lost its secret,
// and its detail takes a new one (QueueService.retryWithSecret). A task names its secret (a
// reference in its params); the queue asks for it at run time through `source`. The entry goes
// when the task is done, skipped or cancelled — in whichever app instance sees that — and a
// failed task keeps it so that a retry can still use it.
import { AppError } from '../../../shared/errors';
import type { EventHub } from '../events';
import type { Keychain } from '../secrets/keychain';
import type { SecretSource } from './kinds';

const PREFIX = 'task:';
const OVER = new Set(['done', 'skipped', 'cancelled']);

export class TaskSecrets {
  /** Refs with an entry in the keychain, as far as this process knows (so a replayed journal costs no keychain call per old task). */
  private readonly held = new Set<string>();

  constructor(
    private readonly keychain: Keychain,
    events: EventHub,
    private readonly log: (line: string) => void,
  ) {
    events.subscribe((event, payload) => {
      if (event !== 'queue.changed') return;
      const task = (payload as { task?: { status?: string; params?: Record<string, unknown> } }).task;
      const ref = task?.params?.passwordRef ?? task?.params?.keyRef;
      if (typeof ref === 'string' && OVER.has(task?.status ?? '') && this.held.has(ref)) void this.forget(ref);
    });
  }

  /** Learns which task secrets the keychain holds (left by an earlier run); before the queue starts. */
  async load(): Promise<void> {
    try {
      for (const account of await this.keychain.accounts(PREFIX)) this.held.add(account.slice(PREFIX.length));
    } catch (error) {
      this.log(`[hostdeck] could not list the queued tasks' secrets in the keychain: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Holds `secret` under `ref` until its task has run (resolves once it is stored). */
  async hold(ref: string, secret: string): Promise<void> {
    await this.keychain.set(PREFIX + ref, secret);
    this.held.add(ref);
  }

  async forget(ref: string): Promise<void> {
    this.held.delete(ref);
    try {
      await this.keychain.delete(PREFIX + ref);
    } catch (error) {
      this.log(`[hostdeck] could not remove a task's secret from the keychain: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  readonly source: SecretSource = async (ref) => {
    const secret = await this.keychain.get(PREFIX + ref);
    if (secret !== null) return secret;
    throw new AppError(
      'not-found',
      this.keychain.kind === 'memory'
        ? 'The password of this task was held in memory only (no OS keychain) and the app has restarted since. Give the task a new password in its detail (Queue → this task).'
        : 'The password of this task is no longer in the OS keychain. Give the task a new password in its detail (Queue → this task).',
    );
  };
}
