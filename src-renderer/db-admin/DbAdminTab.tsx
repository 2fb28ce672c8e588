// A server's MySQL as a whole (the 'db-admin' tab): the process list (refreshed every 2 s) with
// KILL QUERY / KILL CONNECTION after a confirmation naming the thread, SHOW GLOBAL STATUS and
// VARIABLES with a filter, users with their grants and the account changes (Accounts.tsx), and
// an export.
import { useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { Accounts } from './Accounts';
import { ExportDialog } from './ExportDialog';
import { ImportDialog } from './ImportDialog';

type View = 'processes' | 'status' | 'variables' | 'users' | 'export' | 'import';
const VIEWS: { id: View; label: string }[] = [
  { id: 'processes', label: 'Processes' },
  { id: 'status', label: 'Status' },
  { id: 'variables', label: 'Variables' },
  { id: 'users', label: 'Users' },
  { id: 'export', label: 'Export…' },
  { id: 'import', label: 'Import…' },
];

const asError = (e: unknown, fallback: string) => (e instanceof AppError ? e : new AppError('internal', fallback));

export function DbAdminTab({ server }: { server: Server }) {
  const [view, setView] = useState<View>('processes');
  return (
    <div className="db-admin" aria-label={`MySQL server ${server.name}`}>
      <div className="db-admin-head">
        <h2>{server.name} · MySQL server</h2>
        <div className="segmented" role="tablist" aria-label="Server views">
          {VIEWS.map((v) => (
            <button key={v.id} role="tab" aria-selected={view === v.id} className={view === v.id ? 'active' : ''} onClick={() => setView(v.id)}>
              {v.label}
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
      setError(asError(e, 'The kill failed.'));
    }
  }

  if (list.error) return <ErrorNote error={asError(list.error, 'Reading the process list failed.')} />;
  const rows = (list.data ?? []).filter((p) => !hideSleep || p.command !== 'Sleep');
  return (
    <section aria-label="Process list">
      <div className="toolbar">
        <label className="inline">
          <input type="checkbox" checked={hideSleep} onChange={(e) => setHideSleep(e.target.checked)} /> Hide idle (Sleep)
        </label>
        <span className="muted">{list.data ? `${list.data.length} threads · refreshed every 2 s` : 'Loading…'}</span>
      </div>
      {confirm && (
        <div className="note note-warn confirm-kill" role="alertdialog" aria-label="Confirm kill">
          <p>
            {confirm.queryOnly ? 'Stop the query of' : 'Close the connection of'} thread <strong>{confirm.proc.id}</strong> ({confirm.proc.user}@{confirm.proc.host}
            {confirm.proc.db ? `, ${confirm.proc.db}` : ''}){confirm.proc.info ? <>: <code>{confirm.proc.info.slice(0, 120)}</code></> : null}?
          </p>
          <div className="actions">
            <button className="danger solid" onClick={() => void kill()}>
              {confirm.queryOnly ? `Kill query ${confirm.proc.id}` : `Kill connection ${confirm.proc.id}`}
            </button>
            <button onClick={() => setConfirm(null)}>Cancel</button>
          </div>
        </div>
      )}
      {error && <ErrorNote error={error} />}
      <div className="grid-scroll">
        <table className="data-table process-list">
          <thead>
            <tr>
              <th>Id</th><th>User</th><th>Host</th><th>Database</th><th>Command</th><th>Time</th><th>State</th><th>Query</th><th />
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
                  <button className="small" onClick={() => setConfirm({ proc: p, queryOnly: true })} disabled={!p.info} title="KILL QUERY: stop the running statement, keep the connection">Kill query</button>
                  <button className="small" onClick={() => setConfirm({ proc: p, queryOnly: false })} title="KILL CONNECTION">Kill connection</button>
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
  const data = useQuery({ queryKey: ['db.status', server.id, kind], queryFn: () => client.call('db.status', { serverId: server.id, kind }) });
  const [filter, setFilter] = useState('');
  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (data.data ?? []).filter((r) => !f || r.name.toLowerCase().includes(f) || r.value.toLowerCase().includes(f));
  }, [data.data, filter]);
  if (data.error) return <ErrorNote error={asError(data.error, 'Reading the server failed.')} />;
  return (
    <section aria-label={kind === 'status' ? 'Global status' : 'Global variables'}>
      <div className="toolbar">
        <input type="search" className="filter" placeholder={`Filter ${kind}…`} aria-label={`Filter ${kind}`} value={filter} onChange={(e) => setFilter(e.target.value)} />
        <button onClick={() => void data.refetch()}>Refresh</button>
        <span className="muted">{data.data ? `${rows.length} of ${data.data.length}` : 'Loading…'}</span>
      </div>
      <div className="grid-scroll">
        <table className="data-table kv-table">
          <thead>
            <tr><th>Name</th><th>Value</th></tr>
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
