// The audit log (the 'audit' tab): every statement sent to a customer database and every queue
// task's outcome, newest first, filtered by server and outcome; a statement is cut to one line
// until clicked; export to a file (CSV when the name ends in .csv, else JSON lines); verify the
// log's hash chain.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import type { AuditEntry } from '../../shared/api/db';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { AuditVerify } from './AuditVerify';
import { formatDateTime } from '../i18n/format';

const OUTCOMES = ['ok', 'error', 'refused', 'cancelled'] as const;

export function AuditTab({ servers }: { servers: Server[] }) {
  const { t } = useTranslation();
  const [serverId, setServerId] = useState<string>('');
  const [outcome, setOutcome] = useState<string>('');
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [exportPath, setExportPath] = useState('~/Downloads/hostdeck-audit.csv');
  const [exported, setExported] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const log = useQuery({ queryKey: ['db.audit', serverId], queryFn: () => client.call('db.audit', { serverId: serverId || null, limit: 2000 }), refetchInterval: 5000 });
  const rows = (log.data ?? []).filter((e) => !outcome || e.outcome === outcome);

  async function exportLog() {
    setError(null);
    setExported(null);
    try {
      const { entries } = await client.call('db.exportAudit', { path: exportPath.trim() });
      setExported(t('{{count, number}} entries written to {{path}}.', { count: entries, path: exportPath.trim() }));
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', t('The export failed.')));
    }
  }

  const toggle = (i: number) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(i)) n.delete(i);
      else n.add(i);
      return n;
    });

  return (
    <div className="audit-view" aria-label={t('Audit log')}>
      <div className="toolbar">
        <h2>{t('Audit log')}</h2>
        <label className="inline">
          {t('Server')}{' '}
          <select aria-label={t('Server filter')} value={serverId} onChange={(e) => setServerId(e.target.value)}>
            <option value="">{t('All servers')}</option>
            {servers.map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
          </select>
        </label>
        <label className="inline">
          {t('Outcome')}{' '}
          <select aria-label={t('Outcome filter')} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">{t('All')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>{o}</option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <input className="audit-export-path" aria-label={t('Export path')} value={exportPath} onChange={(e) => setExportPath(e.target.value)} />
        <button onClick={() => void exportLog()}>{t('Export')}</button>
      </div>
      <AuditVerify />
      {error && <ErrorNote error={error} />}
      {exported && <p className="muted" role="status">{exported}</p>}
      {log.error ? (
        <ErrorNote error={log.error instanceof AppError ? log.error : new AppError('internal', t('Reading the audit log failed.'))} />
      ) : (
        <div className="grid-scroll">
          <table className="data-table audit-table">
            <thead>
              <tr><th>{t('Time')}</th><th>{t('Server')}</th><th>{t('Database')}</th><th>{t('Statement')}</th><th>{t('Rows')}</th><th>{t('Duration')}</th><th>{t('Outcome')}</th></tr>
            </thead>
            <tbody>
              {rows.map((e: AuditEntry, i) => (
                <tr key={`${e.at}-${i}`} className={`audit-${e.outcome}`}>
                  <td className="nowrap">{formatDateTime(e.at)}</td>
                  <td>{e.serverName}</td>
                  <td>{e.database ?? <span className="muted">—</span>}</td>
                  <td className={`sql-cell ${open.has(i) ? 'open' : ''}`} onClick={() => toggle(i)} title={open.has(i) ? t('Click to fold') : t('Click to show all')}>
                    {e.task && <span className="audit-task-tag" title={t('Queue task {{id}} ({{kind}})', { id: e.task.id, kind: e.task.kind })}>{t('task')}</span>}
                    <code>{e.statement}</code>
                    {open.has(i) && e.error && <div className="audit-error">{e.error}</div>}
                  </td>
                  <td className="num">{e.rows ?? ''}</td>
                  <td className="num">{t('{{ms}} ms', { ms: e.durationMs })}</td>
                  <td>
                    <span className={`outcome outcome-${e.outcome}`} title={e.error ?? undefined}>{e.task ? e.task.status : e.outcome}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {log.data && rows.length === 0 && <p className="muted">{outcome ? t('No statements recorded with outcome {{outcome}}.', { outcome }) : t('No statements recorded.')}</p>}
        </div>
      )}
    </div>
  );
}
