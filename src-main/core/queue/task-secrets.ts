// Secrets of queued tasks (e.g. an FTP password), held only in this process's memory until
// their task has run: never in the journal, the audit log, logs or records. A task names its
// secret (a reference in its params); the queue asks for it at run time through `source`.
// When the task is done, skipped or cancelled the secret is dropped; a failed task keeps it
// so that a retry can still set it. After a restart nothing is held: the task fails clearly.
import type { EventHub } from '../events';
import { AppError } from '../../../shared/errors';
import type { SecretSource } from './kinds';

export class TaskSecrets {
  private readonly held = new Map<string, string>();

  constructor(events: EventHub) {
    events.subscribe((event, payload) => {
      if (event !== 'queue.changed') return;
      const task = (payload as { task?: { status?: string; params?: Record<string, unknown> } }).task;
      const ref = task?.params?.passwordRef;
      if (typeof ref === 'string' && (task?.status === 'done' || task?.status === 'skipped' || task?.status === 'cancelled')) this.held.delete(ref);
    });
  }

  /** Holds `secret` under `ref` until its task has run. */
  hold(ref: string, secret: string): void {
    this.held.set(ref, secret);
  }

  forget(ref: string): void {
    this.held.delete(ref);
  }

  readonly source: SecretSource = async (ref) => {
    const secret = this.held.get(ref);
    if (secret === undefined) throw new AppError('not-found', 'The password was not kept across a restart; set a new one (add the FTP login again, or change the database password).');
    return secret;
  };
}
