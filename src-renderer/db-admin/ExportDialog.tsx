// Export a table or a query to a file (CSV, JSON, SQL INSERTs) with live progress and cancel.
// Reusable: the table tab can open it with {database, table}. The path is typed (an absolute
// path, or ~/… which the core resolves to the home of the user running Hostdeck).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { useJob } from './use-job';
import { formatBytes, formatDuration } from '../i18n/format';

type Format = 'csv' | 'json' | 'sql';
type Props = { serverId: string; database?: string; table?: string; sql?: string; onClose?: () => void };

export function ExportDialog({ serverId, database: db0 = '', table: t0 = '', sql: sql0, onClose }: Props) {
  const { t } = useTranslation();
  const [database, setDatabase] = useState(db0);
  const [table, setTable] = useState(t0);
  const [format, setFormat] = useState<Format>('csv');
  const [filePath, setFilePath] = useState('');
  const [touched, setTouched] = useState(false);
  const { jobId, progress, result, error, start: startJob, cancel } = useJob<{ rows: number; bytes: number; cancelled: boolean; durationMs: number }>();

  useEffect(() => {
    if (!touched) setFilePath(`~/Downloads/${(table || 'query').replace(/[^\w.-]+/g, '_')}.${format}`);
  }, [table, format, touched]);

  const start = () => {
    const source = sql0 ? { sql: sql0 } : { table };
    return startJob((jobId) => client.call('db.export', { jobId, serverId, database, source, format, path: filePath.trim() }), t('The export failed.'));
  };

  return (
    <section className="panel export-dialog" aria-label={t('Export')}>
      <h3>{sql0 ? t('Export the query') : t('Export a table')}</h3>
      <div className="export-grid">
        <label className="field">
          <span className="label">{t('Database')}</span>
          <input name="export-database" value={database} onChange={(e) => setDatabase(e.target.value)} />
        </label>
        {!sql0 && (
          <label className="field">
            <span className="label">{t('Table')}</span>
            <input name="export-table" value={table} onChange={(e) => setTable(e.target.value)} />
          </label>
        )}
        <label className="field">
          <span className="label">{t('Format')}</span>
          <select name="export-format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            <option value="csv">CSV (RFC 4180)</option>
            <option value="json">{t('JSON (array of rows)')}</option>
            <option value="sql">{t('SQL (INSERT statements)')}</option>
          </select>
        </label>
        <label className="field export-path">
          <span className="label">{t('Save to (on this computer)')}</span>
          <input
            name="export-path"
            value={filePath}
            onChange={(e) => {
              setTouched(true);
              setFilePath(e.target.value);
            }}
          />
          <span className="hint">{t('An absolute path; ~/ is your home folder.')}</span>
        </label>
      </div>
      {error && <ErrorNote error={error} />}
      <div className="actions">
        {jobId ? (
          <button onClick={cancel}>{t('Cancel export')}</button>
        ) : (
          <button className="primary" disabled={!database || (!sql0 && !table) || !filePath} onClick={() => void start()}>
            {t('Export')}
          </button>
        )}
        {onClose && !jobId && <button onClick={onClose}>{t('Close')}</button>}
        <span className="export-progress" role="status" aria-live="polite">
          {jobId && t('Exporting… {{count, number}} rows, {{size}}', { count: progress?.rows ?? 0, size: formatBytes(progress?.bytes ?? 0) })}
          {result && !jobId && (result.cancelled ? t('Cancelled; the partial file was removed.') : t('Done: {{count, number}} rows, {{size}} in {{duration}}.', { count: result.rows, size: formatBytes(result.bytes), duration: formatDuration(result.durationMs) }))}
        </span>
      </div>
    </section>
  );
}
