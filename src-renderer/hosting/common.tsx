// What the hosting screens share: the error of an action (busy flag included), the field errors
// of the contract under their fields, and the box that shows a password once.
import type { ReactNode } from 'react';
import type { AppError } from '../../shared/errors';
import { ErrorNote } from '../components/ErrorNote';
import { useAction as useSharedAction } from '../components/use-action';

export { Field } from '../components/Field';
export { asError } from '../components/use-action';

/**
 * Field errors by the form's own keys. A preview validates the change it is sent, so its
 * errors arrive as `change.input.name`; the action itself names the same field `name`.
 */
export function fieldsOf(error: AppError | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(error?.fields ?? {})) out[key.replace(/^change\.(input\.)?/, '')] ??= message;
  return out;
}

/** The action runner (components/use-action) with the contract's keys mapped to the form's. */
export function useAction() {
  return useSharedAction(fieldsOf);
}

/** A form's error: with field errors, one line above them (each field says its own); else the full note. */
export function FormError({ error }: { error: AppError | null }) {
  if (!error) return null;
  return error.fields ? <div className="note note-error" role="alert">{error.message}</div> : <ErrorNote error={error} />;
}

/** A password Hostdeck does not keep: shown here once (masked in screenshots), then gone. */
export function SecretOnce({ label, what, secret, testId, onDone }: { label: string; what: ReactNode; secret: string; testId: string; onDone: () => void }) {
  return (
    <div className="note note-ok secret-box" role="status" aria-label={label}>
      <p>
        {what}: <code className="secret-once" data-testid={testId}>{secret}</code>
      </p>
      <p className="muted">Shown once; Hostdeck does not keep it. Copy it now.</p>
      <div className="actions">
        <button onClick={() => void navigator.clipboard?.writeText(secret)}>Copy</button>
        <button onClick={onDone}>Done, hide it</button>
      </div>
    </div>
  );
}

/** A list typed with commas and/or spaces ("www.shop.test, shop.example"). */
export const splitList = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** The first field error among keys starting with any of `prefixes` (list fields: `aliases.1`). */
export const firstError = (fields: Record<string, string>, ...prefixes: string[]): string | undefined =>
  Object.entries(fields).find(([k]) => prefixes.some((p) => k === p || k.startsWith(`${p}.`)))?.[1];
