// One sentence of what happened and what to do, details on demand.
import type { AppError } from '../../shared/errors';

export function ErrorNote({ error, title }: { error: AppError; title?: string }) {
  return (
    <div className="note note-error" role="alert">
      {title && <strong>{title} </strong>}
      <span>{error.message}</span>
      {error.details && (
        <details>
          <summary>Details</summary>
          <pre>{error.details}</pre>
        </details>
      )}
    </div>
  );
}
