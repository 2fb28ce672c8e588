// Import a .sql file (on this computer) into a database, statement by statement, with progress
// and cancel; it stops at the first error and names the statement that failed.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../shared/api';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { useJob } from './use-job';

type Result = Output<'db.import'>;

const DUMP_EXAMPLE = '~/dump.sql';

export function ImportDialog({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const [database, setDatabase] = useState('');
  const [filePath, setFilePath] = useState('');
  const { jobId, progress, result, error, start, cancel } = useJob<Result>();

  return (
    <section className="panel export-dialog" aria-label={t('Import')}>
      <h3>{t('Import a .sql file')}</h3>
      <div className="export-grid">
        <label className="field">
          <span className="label">{t('Into database')}</span>
          <input name="import-database" value={database} onChange={(e) => setDatabase(e.target.value)} />
        </label>
        <label className="field export-path">
          <span className="label">{t('File (on this computer)')}</span>
          <input name="import-path" value={filePath} placeholder={DUMP_EXAMPLE} onChange={(e) => setFilePath(e.target.value)} />
          <span className="hint">{t('Statements run in order; the first error stops the import.')}</span>
        </label>
      </div>
      {error && <ErrorNote error={error} />}
      <div className="actions">
        {jobId ? (
          <button onClick={cancel}>{t('Cancel import')}</button>
        ) : (
          <button className="primary" disabled={!database || !filePath.trim()} onClick={() => void start((jobId) => client.call('db.import', { jobId, serverId, database, path: filePath.trim() }), t('The import failed.'))}>
            {t('Import')}
          </button>
        )}
        <span className="export-progress" role="status" aria-live="polite">
          {jobId && t('Importing… {{count, number}} statements', { count: progress?.statements ?? 0 })}
          {result && !result.failed && (result.cancelled ? t('Cancelled after {{count, number}} statements.', { count: result.statements }) : t('Done: {{count, number}} statements.', { count: result.statements }))}
        </span>
      </div>
      {result?.failed && (
        <div className="note note-error" role="alert" aria-label={t('Import stopped')}>
          <strong>{t('Stopped at statement {{index}} (line {{line}}):', { index: result.failed.index + 1, line: result.failed.line })} </strong>
          {result.failed.error}
          <pre>{result.failed.statement}</pre>
          <p className="muted">{t('The {{count, number}} statements before it were applied; nothing after it ran.', { count: result.statements })}</p>
        </div>
      )}
    </section>
  );
}
