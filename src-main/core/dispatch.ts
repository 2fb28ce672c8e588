// The dispatcher: validates every input against the contract before any work, runs the
// method's handler, and turns every failure into a typed error (never a stack in the UI).
import type { z } from 'zod';
import { api, isMethod, type Api, type Method } from '../../shared/api';
import { AppError, fieldErrors, type AppErrorShape } from '../../shared/errors';

export type CallResult = { ok: true; output: unknown } | { ok: false; error: AppErrorShape };

type Spec = { input: z.ZodType; output: z.ZodType };

/** Who calls: the window (its attachment), so that what a window opens can end with it. */
export type Caller = { windowId: string | null };
const NO_WINDOW: Caller = { windowId: null };

/** Handlers for one area of the contract (e.g. serversApi). */
export type HandlersFor<A extends Record<string, Spec>> = {
  [M in keyof A]: (input: z.output<A[M]['input']>, caller: Caller) => Promise<z.input<A[M]['output']>>;
};

export type Handlers = HandlersFor<Api>;

export function createDispatcher(handlers: Handlers, log: (line: string) => void): (method: string, input: unknown, caller?: Caller) => Promise<CallResult> {
  return async (method, input, caller = NO_WINDOW) => {
    if (!isMethod(method)) return { ok: false, error: { code: 'unknown-method', message: `Unknown method ${method.slice(0, 64)}.` } };
    const spec = api[method as Method];
    const parsed = spec.input.safeParse(input);
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid-input', message: 'Some fields need attention; nothing was saved.', fields: fieldErrors(parsed.error.issues) } };
    }
    try {
      const handler = handlers[method] as (input: unknown, caller: Caller) => Promise<unknown>;
      return { ok: true, output: spec.output.parse(await handler(parsed.data, caller)) };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, error: error.toShape() };
      // Library errors carry paths or protocol text, never secrets (those never reach them as
      // message text): keep the message as details, the stack in the log.
      log(`[hostdeck] ${method} failed: ${error instanceof Error ? error.stack : String(error)}`);
      return { ok: false, error: { code: 'internal', message: `${method} failed unexpectedly.`, details: error instanceof Error ? error.message : String(error) } };
    }
  };
}
