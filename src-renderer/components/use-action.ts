// One action at a time (a form's submit, a button): its busy flag and its error, field errors
// included, kept until the next run. Shared by the hosting and DNS screens.
import { useState } from 'react';
import { AppError } from '../../shared/errors';

export const asError = (e: unknown) => (e instanceof AppError ? e : new AppError('internal', 'That did not work.'));

/** `fieldsOf` maps the contract's field keys to the form's own (default: as they are). */
export function useAction(fieldsOf: (error: AppError | null) => Record<string, string> = (error) => error?.fields ?? {}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  async function run(fn: () => Promise<void>): Promise<boolean> {
    setError(null);
    setBusy(true);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(asError(e));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, fields: fieldsOf(error), run, clear: () => setError(null) };
}

