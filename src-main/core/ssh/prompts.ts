// Login questions routed to the UI: keyboard-interactive prompts (passwords, OTP codes) and key
// passphrases. Every window sees the prompt; the first answer wins; unanswered prompts expire.
import { randomUUID } from 'node:crypto';
import type { AuthPrompt } from '../../../shared/domain';
import { AppError, msg } from '../../../shared/errors';
import type { EventHub } from '../events';

export type PromptAnswer = { answers: string[]; remember: boolean };

type Pending = { prompt: AuthPrompt; resolve: (a: PromptAnswer) => void; reject: (e: AppError) => void; timer: NodeJS.Timeout };

export class PromptBroker {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly events: EventHub,
    private readonly timeoutMs = 5 * 60_000,
  ) {}

  ask(question: Omit<AuthPrompt, 'id'>): Promise<PromptAnswer> {
    const prompt: AuthPrompt = { id: randomUUID(), ...question };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.close(prompt.id)?.reject(new AppError('auth-failed', msg('The login prompt was not answered in time.'))), this.timeoutMs);
      this.pending.set(prompt.id, { prompt, resolve, reject, timer });
      this.events.emit('ssh.prompt', prompt);
    });
  }

  answer(id: string, answers: string[], remember: boolean): void {
    const pending = this.pending.get(id);
    if (!pending) throw new AppError('not-found', msg('This prompt is no longer waiting for an answer.'));
    if (answers.length !== pending.prompt.prompts.length) {
      throw AppError.worded('invalid-input', msg('The server asked {{n}} question(s); answer each.'), { n: pending.prompt.prompts.length });
    }
    this.close(id)?.resolve({ answers, remember: remember && pending.prompt.canRemember });
  }

  cancel(id: string): void {
    this.close(id)?.reject(new AppError('auth-failed', msg('The login was cancelled.')));
  }

  /** Prompts still open (for a window that opens while one waits). */
  open(): AuthPrompt[] {
    return [...this.pending.values()].map((p) => p.prompt);
  }

  private close(id: string): Pending | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    this.events.emit('ssh.promptClosed', { id });
    return pending;
  }
}
