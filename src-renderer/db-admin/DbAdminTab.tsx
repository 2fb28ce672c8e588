// A server's MySQL as a whole (the 'db-admin' tab): the process list (refreshed every 2 s) with
// KILL QUERY / KILL CONNECTION after a confirmation naming the thread, SHOW GLOBAL STATUS and
// VARIABLES with a filter, users with their grants and the account changes (Accounts.tsx), and
// an export.
import { useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { Accounts } from './Accounts';
import { ExportDialog } from './ExportDialog';
import { ImportDialog } from './ImportDialog';
import { msg } from '../i18n';
import { formatNumber } from '../i18n/format';

type View = 'processes' | 'status' | 'variables' | 'users' | 'export' | 'import';
const VIEWS: { id: View; label: string }[] = [
  { id: 'processes', label: msg('Processes') },
  { id: 'status', label: msg('Status') },
  { id: 'variables', label: msg('Variables') },
  { id: 'users', label: msg('Users') },
  { id: 'export', label: msg('Export…') },
  { id: 'import', label: msg('Import…') },
];

const KILL_CONNECTION = 'KILL CONNECTION';
const asError = (e: unknown, fallback: string) => (e instanceof AppError ? e : new AppError('internal', fallback));

export function DbAdminTab({ server }: { server: Server }) {
  const { t } = useTranslation();
  const [view, setView] = useState<View>('processes');
  return (
    <div className="db-admin" aria-label={t('MySQL server {{server}}', { server: server.name })}>
      <div className="db-admin-head">
        <h2>{server.name} · {t('MySQL server')}</h2>
        <div className="segmented" role="tablist" aria-label={t('Server views')}>
          {VIEWS.map((v) => (
            <button key={v.id} role="tab" aria-selected={view === v.id} className={view === v.id ? 'active' : ''} onClick={() => setView(v.id)}>
              {t(v.label)}
            </button>
          ))}
        </div>
      </div>
      {view === 'processes' && <Processes server={server} />}
      {(view === 'status' || view === 'variables') && <StatusView key={view} server={server} kind={view === 'status' ? 'status' : 'variables'} />}
      {view === 'users' && <Accounts server={server} />}
      {view === 'export' && <ExportDialog serverId={server.id} />}
      {view === 'import' && <ImportDialog serverId={server.id} />}
    </div>
  );
}

type Proc = { id: number; user: string; host: string; db: string | null; command: string; time: number; state: string | null; info: string | null };

function Processes({ server }: { server: Server }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = ['db.processList', server.id];
  const list = useQuery({ queryKey: key, queryFn: () => client.call('db.processList', { serverId: server.id }), refetchInterval: 2000 });
  const [confirm, setConfirm] = useState<{ proc: Proc; queryOnly: boolean } | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [hideSleep, setHideSleep] = useState(false);

  async function kill() {
    if (!confirm) return;
    setError(null);
    try {
      await client.call('db.kill', { serverId: server.id, id: confirm.proc.id, queryOnly: confirm.queryOnly });
      setConfirm(null);
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (e) {
      setError(asError(e, t('The kill failed.')));
    }
  }

  if (list.error) return <ErrorNote error={asError(list.error, t('Reading the process list failed.'))} />;
  const rows = (list.data ?? []).filter((p) => !hideSleep || p.command !== 'Sleep');
  return (
    <section aria-label={t('Process list')}>
      <div className="toolbar">
        <label className="inline">
          <input type="checkbox" checked={hideSleep} onChange={(e) => setHideSleep(e.target.checked)} /> {t('Hide idle (Sleep)')}
        </label>
        <span className="muted">{list.data ? t('{{count, number}} threads · refreshed every 2 s', { count: list.data.length }) : t('Loading…')}</span>
      </div>
      {confirm && (
        <div className="note note-warn confirm-kill" role="alertdialog" aria-label={t('Confirm kill')}>
          <p>
            {confirm.queryOnly ? t('Stop the query of thread {{id}}', { id: confirm.proc.id }) : t('Close the connection of thread {{id}}', { id: confirm.proc.id })} ({confirm.proc.user}@{confirm.proc.host}
            {confirm.proc.db ? `, ${confirm.proc.db}` : ''}){confirm.proc.info ? <>: <code>{confirm.proc.info.slice(0, 120)}</code></> : null}?
          </p>
          <div className="actions">
            <button className="danger solid" onClick={() => void kill()}>
              {confirm.queryOnly ? t('Kill query {{id}}', { id: confirm.proc.id }) : t('Kill connection {{id}}', { id: confirm.proc.id })}
            </button>
            <button onClick={() => setConfirm(null)}>{t('Cancel')}</button>
          </div>
        </div>
      )}
      {error && <ErrorNote error={error} />}
      <div className="grid-scroll">
        <table className="data-table process-list">
          <thead>
            <tr>
              <th>{t('Id')}</th><th>{t('User')}</th><th>{t('Host')}</th><th>{t('Database')}</th><th>{t('Command')}</th><th>{t('Time')}</th><th>{t('State')}</th><th>{t('Query')}</th><th />
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.id} data-thread={p.id}>
                <td className="num">{p.id}</td>
                <td>{p.user}</td>
                <td>{p.host}</td>
                <td>{p.db ?? <span className="muted">—</span>}</td>
                <td>{p.command}</td>
                <td className="num">{p.time}</td>
                <td>{p.state ?? ''}</td>
                <td className="sql-cell" title={p.info ?? ''}>{p.info ?? ''}</td>
                <td className="row-actions">
                  <button className="small" onClick={() => setConfirm({ proc: p, queryOnly: true })} disabled={!p.info} title={t('KILL QUERY: stop the running statement, keep the connection')}>{t('Kill query')}</button>
                  <button className="small" onClick={() => setConfirm({ proc: p, queryOnly: false })} title={KILL_CONNECTION}>{t('Kill connection')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function StatusView({ server, kind }: { server: Server; kind: 'status' | 'variables' }) {
  const { t } = useTranslation();
  const data = useQuery({ queryKey: ['db.status', server.id, kind], queryFn: () => client.call('db.status', { serverId: server.id, kind }) });
  const [filter, setFilter] = useState('');
  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (data.data ?? []).filter((r) => !f || r.name.toLowerCase().includes(f) || r.value.toLowerCase().includes(f));
  }, [data.data, filter]);
  if (data.error) return <ErrorNote error={asError(data.error, t('Reading the server failed.'))} />;
  return (
    <section aria-label={kind === 'status' ? t('Global status') : t('Global variables')}>
      <div className="toolbar">
        <input type="search" className="filter" placeholder={kind === 'status' ? t('Filter status…') : t('Filter variables…')} aria-label={kind === 'status' ? t('Filter status') : t('Filter variables')} value={filter} onChange={(e) => setFilter(e.target.value)} />
        <button onClick={() => void data.refetch()}>{t('Refresh')}</button>
        <span className="muted">{data.data ? t('{{shown}} of {{total}}', { shown: formatNumber(rows.length), total: formatNumber(data.data.length) }) : t('Loading…')}</span>
      </div>
      <div className="grid-scroll">
        <table className="data-table kv-table">
          <thead>
            <tr><th>{t('Name')}</th><th>{t('Value')}</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <td>{r.name}</td>
                <td className="mono">{r.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
