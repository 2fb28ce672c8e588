// One sentence of what happened and what to do, details on demand.
import { useTranslation } from 'react-i18next';
import type { AppError } from '../../shared/errors';

export function ErrorNote({ error, title }: { error: AppError; title?: string }) {
  const { t } = useTranslation();
  return (
    <div className="note note-error" role="alert">
      {title && <strong>{title} </strong>}
      <span>{error.message}</span>
      {error.details && (
        <details>
          <summary>{t('Details')}</summary>
          <pre>{error.details}</pre>
        </details>
      )}
    </div>
  );
}
