// A labelled input with its field error (or else its hint) under it.
import type { ReactNode } from 'react';

/** `name` is the contract's key of the field (data-field, for tests and focus). */
export function Field({ name, label, error, hint, className, children }: { name?: string; label: string; error?: string | undefined; hint?: ReactNode; className?: string; children: ReactNode }) {
  return (
    <label className={`field ${error ? 'has-error' : ''} ${className ?? ''}`} data-field={name}>
      <span className="label">{label}</span>
      {children}
      {error ? <span className="field-error" role="alert">{error}</span> : hint ? <span className="hint">{hint}</span> : null}
    </label>
  );
}
