// Import a .sql file (on this computer) into a database, statement by statement, with progress
// and cancel; it stops at the first error and names the statement that failed.
import { useState } from 'react';
import type { Output } from '../../shared/api';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { useJob } from './use-job';
import { formatNumber } from '../i18n/format';

type Result = Output<'db.import'>;

export function ImportDialog({ serverId }: { serverId: string }) {
  const [database, setDatabase] = useState('');
  const [filePath, setFilePath] = useState('');
  const { jobId, progress, result, error, start, cancel } = useJob<Result>();

  return (
    <section className="panel export-dialog" aria-label="Import">
      <h3>Import a .sql file</h3>
      <div className="export-grid">
        <label className="field">
          <span className="label">Into database</span>
          <input name="import-database" value={database} onChange={(e) => setDatabase(e.target.value)} />
        </label>
        <label className="field export-path">
          <span className="label">File (on this computer)</span>
          <input name="import-path" value={filePath} placeholder="~/dump.sql" onChange={(e) => setFilePath(e.target.value)} />
          <span className="hint">Statements run in order; the first error stops the import.</span>
        </label>
      </div>
      {error && <ErrorNote error={error} />}
      <div className="actions">
        {jobId ? (
          <button onClick={cancel}>Cancel import</button>
        ) : (
          <button className="primary" disabled={!database || !filePath.trim()} onClick={() => void start((jobId) => client.call('db.import', { jobId, serverId, database, path: filePath.trim() }), 'The import failed.')}>
            Import
          </button>
        )}
        <span className="export-progress" role="status" aria-live="polite">
          {jobId && `Importing… ${formatNumber(progress?.statements ?? 0)} statements`}
          {result && !result.failed && (result.cancelled ? `Cancelled after ${result.statements} statements.` : `Done: ${formatNumber(result.statements)} statements.`)}
        </span>
      </div>
      {result?.failed && (
        <div className="note note-error" role="alert" aria-label="Import stopped">
          <strong>Stopped at statement {result.failed.index + 1} (line {result.failed.line}): </strong>
          {result.failed.error}
          <pre>{result.failed.statement}</pre>
          <p className="muted">The {result.statements} statement{result.statements === 1 ? '' : 's'} before it were applied; nothing after it ran.</p>
        </div>
      )}
    </section>
  );
}
