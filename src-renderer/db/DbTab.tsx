// A server's databases (the 'db' tab): the access form when there is none, then the tree
// (databases -> tables) with a local filter and the fleet-wide search, and the ways to the SQL
// editor and the server views.
import { useEffect, useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { DbAccess } from '../../shared/api/db';
import type { Server } from '../../shared/domain';
import type { AppError } from '../../shared/errors';
import { ErrorNote } from '../components/ErrorNote';
import type { Tab } from '../tabs';
import { asAppError, dbCall, type DbOut } from './api';
import { formatBytes, formatCount } from './cells';

type Props = { server: Server; servers: Server[]; onOpenTab: (tab: Tab) => void };

export const tableTabId = (serverId: string, database: string, table: string) => `table:${serverId}:${database}:${table}`;

export function DbTab({ server, servers, onOpenTab }: Props) {
  const access = useQuery({ queryKey: ['db.getAccess', server.id], queryFn: () => dbCall('db.getAccess', { serverId: server.id }) });
  const [editing, setEditing] = useState(false);

  if (access.isLoading) return <p className="muted">Loading the database access of {server.name}…</p>;
  if (access.error) return <ErrorNote error={asAppError(access.error, 'Reading the database access failed.')} />;
  const a = access.data!;
  if (!a.access || editing)
    return (
      <AccessForm
        server={server}
        initial={a.access}
        readOnly={a.readOnly}
        hasPassword={a.hasPassword}
        onCancel={a.access ? () => setEditing(false) : undefined}
        onSaved={() => {
          setEditing(false);
          void access.refetch();
        }}
      />
    );
  return <DbTree server={server} servers={servers} readOnly={a.readOnly} onOpenTab={onOpenTab} onEditAccess={() => setEditing(true)} />;
}

// ---- access ---------------------------------------------------------------------------------

function AccessForm({ server, initial, readOnly, hasPassword, onCancel, onSaved }: { server: Server; initial: DbAccess | null; readOnly: boolean; hasPassword: boolean; onCancel: (() => void) | undefined; onSaved: () => void }) {
  const login = initial?.source === 'login' ? initial : null;
  const [source, setSource] = useState<'login' | 'mycnf'>(initial?.source ?? 'login');
  const [user, setUser] = useState(login?.user ?? 'root');
  const [password, setPassword] = useState('');
  const [host, setHost] = useState(login?.host ?? '127.0.0.1');
  const [port, setPort] = useState(String(login?.port ?? 3306));
  const [socketPath, setSocketPath] = useState(login?.socketPath ?? '');
  const [ro, setRo] = useState(readOnly);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();

  const fieldError = (name: string): string | undefined => {
    const f = error?.fields;
    if (!f) return undefined;
    for (const [k, v] of Object.entries(f)) if (k === name || k.endsWith(`.${name}`)) return v;
    return undefined;
  };

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const portNumber = Number(port);
      const access: DbAccess =
        source === 'mycnf'
          ? { source: 'mycnf' }
          : { source: 'login', user: user.trim(), host: host.trim() || '127.0.0.1', port: Number.isFinite(portNumber) && port.trim() !== '' ? portNumber : NaN, socketPath: socketPath.trim() || null };
      await dbCall('db.setAccess', { serverId: server.id, access, ...(source === 'login' && password ? { password } : {}), readOnly: ro });
      await queryClient.invalidateQueries({ queryKey: ['db.databases', server.id] });
      onSaved();
    } catch (err) {
      setError(asAppError(err, 'Saving the database access failed.'));
    } finally {
      setBusy(false);
    }
  }

  const field = (name: string, label: string, input: React.ReactNode, hint?: string) => (
    <label className={`field ${fieldError(name) ? 'has-error' : ''}`} data-field={name}>
      <span className="label">{label}</span>
      {input}
      {fieldError(name) ? <span className="field-error" role="alert">{fieldError(name)}</span> : hint ? <span className="hint">{hint}</span> : null}
    </label>
  );

  return (
    <form className="panel form db-access" aria-label="Database access" onSubmit={save}>
      <h2>Database access on {server.name}</h2>
      <p className="muted">Hostdeck reaches MySQL through this server's SSH connection; MySQL itself is never exposed. The password is kept in the OS keychain.</p>
      <div className="db-source" role="radiogroup" aria-label="How to log in">
        <label className="check">
          <input type="radio" name="source" checked={source === 'login'} onChange={() => setSource('login')} /> A MySQL login
        </label>
        <label className="check">
          <input type="radio" name="source" checked={source === 'mycnf'} onChange={() => setSource('mycnf')} /> Read ~/.my.cnf on the server
        </label>
      </div>
      {source === 'login' ? (
        <div className="grid">
          {field('user', 'User', <input name="user" value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" />)}
          {field('password', 'Password', <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" placeholder={hasPassword ? 'unchanged (stored in the keychain)' : ''} />)}
          {field('host', 'Host (as the server sees it)', <input name="host" value={host} onChange={(e) => setHost(e.target.value)} />, 'Usually 127.0.0.1')}
          {field('port', 'Port', <input name="port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} />)}
          {field('socketPath', 'Unix socket (instead of host and port)', <input name="socketPath" value={socketPath} onChange={(e) => setSocketPath(e.target.value)} placeholder="/run/mysqld/mysqld.sock" />, 'Leave empty to use TCP')}
        </div>
      ) : (
        <p className="muted">Hostdeck reads user, password, host, port or socket from the [client] section of the SSH user's ~/.my.cnf each time it connects.</p>
      )}
      <label className="check db-ro">
        <input type="checkbox" name="readOnly" checked={ro} onChange={(e) => setRo(e.target.checked)} /> Read-only (the core refuses every statement that writes)
      </label>
      {error && !error.fields && <ErrorNote error={error} title="Not saved." />}
      <div className="actions">
        <button className="primary" type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save and connect'}</button>
        {onCancel && <button type="button" onClick={onCancel}>Cancel</button>}
      </div>
    </form>
  );
}

// ---- the tree -------------------------------------------------------------------------------

type Databases = DbOut<'db.databases'>;
type Tables = DbOut<'db.tables'>;
type Hit = DbOut<'db.search'>['hits'][number];

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function DbTree({ server, servers, readOnly, onOpenTab, onEditAccess }: { server: Server; servers: Server[]; readOnly: boolean; onOpenTab: (tab: Tab) => void; onEditAccess: () => void }) {
  const dbs = useQuery({ queryKey: ['db.databases', server.id], queryFn: () => dbCall('db.databases', { serverId: server.id }) });
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [text, setText] = useState('');
  const needle = text.trim().toLowerCase();
  const query = useDebounced(text.trim(), 250);
  const search = useQuery({
    queryKey: ['db.search', query],
    queryFn: () => dbCall('db.search', { query }),
    enabled: query.length >= 2,
    staleTime: 10_000,
  });

  const toggle = (name: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(name)) n.delete(name);
      else n.add(name);
      return n;
    });
  const openTable = (serverId: string, database: string, table: string) => onOpenTab({ id: tableTabId(serverId, database, table), kind: 'table', serverId, database, table });

  function openHit(h: Hit) {
    if (h.kind === 'user') return onOpenTab({ id: `db-admin:${h.serverId}`, kind: 'db-admin', serverId: h.serverId });
    if (h.table && h.database) return openTable(h.serverId, h.database, h.table);
    if (h.database) {
      if (h.serverId === server.id) {
        setOpen((s) => new Set(s).add(h.database!));
        setText('');
        return;
      }
      return onOpenTab({ id: `db:${h.serverId}`, kind: 'db', serverId: h.serverId });
    }
  }

  const list = dbs.data ?? [];
  const serverName = (id: string) => servers.find((s) => s.id === id)?.name ?? 'unknown server';

  return (
    <section className="panel db-view" aria-label={`Databases on ${server.name}`}>
      <header className="db-head">
        <div>
          <h2>Databases on {server.name}</h2>
          <div className="muted">
            {list.length ? `${list.length} databases · ${formatBytes(list.reduce((s, d) => s + d.sizeBytes, 0))}` : ' '}
            {readOnly && <span className="chip chip-warn db-ro-chip">read-only</span>}
          </div>
        </div>
        <div className="actions">
          <button onClick={() => onOpenTab({ id: `sql:${server.id}`, kind: 'sql', serverId: server.id, database: null })}>SQL editor</button>
          <button onClick={() => onOpenTab({ id: `db-admin:${server.id}`, kind: 'db-admin', serverId: server.id })}>Processes, status, users</button>
          <button onClick={onEditAccess}>Access…</button>
          <button className="ghost" title="Reload" aria-label="Reload the databases" onClick={() => void dbs.refetch()}>⟳</button>
        </div>
      </header>
      <input
        className="db-search"
        type="search"
        aria-label="Filter databases and search the fleet"
        placeholder="Filter this tree; search databases, tables, columns and users on every server"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setText('')}
      />
      {query.length >= 2 && needle && (
        <div className="db-hits" role="region" aria-label="Fleet search results">
          <div className="group-title">
            Across the fleet {search.isFetching && <span className="muted">· searching…</span>}
          </div>
          {search.error && <ErrorNote error={asAppError(search.error, 'The search failed.')} />}
          {search.data && search.data.hits.length === 0 && !search.isFetching && <p className="muted db-nohits">Nothing named like “{query}” on any server.</p>}
          {search.data && (
            <ul>
              {search.data.hits.slice(0, 200).map((h, i) => (
                <li key={i}>
                  <button className="db-hit link-plain" onClick={() => openHit(h)}>
                    <span className={`kind kind-${h.kind}`}>{h.kind}</span>
                    <span className="mono">{h.kind === 'column' ? `${h.database}.${h.table}.${h.name}` : h.kind === 'table' ? `${h.database}.${h.name}` : h.name}</span>
                    <span className="muted">on {serverName(h.serverId)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {search.data?.failed.map((f) => (
            <p key={f.serverId} className="muted db-failed">Not searched on {serverName(f.serverId)}: {f.reason}</p>
          ))}
        </div>
      )}
      {dbs.isLoading && <p className="muted">Connecting to MySQL on {server.name}…</p>}
      {dbs.error && <ErrorNote error={asAppError(dbs.error, 'Listing the databases failed.')} />}
      <ul className="db-tree" role="tree" aria-label="Databases">
        {list.map((d) => (
          <DatabaseNode key={d.name} server={server} db={d} open={open.has(d.name)} needle={needle} onToggle={() => toggle(d.name)} onOpenTable={(t) => openTable(server.id, d.name, t)} />
        ))}
      </ul>
    </section>
  );
}

function DatabaseNode({ server, db, open, needle, onToggle, onOpenTable }: { server: Server; db: Databases[number]; open: boolean; needle: string; onToggle: () => void; onOpenTable: (table: string) => void }) {
  const tables = useQuery({ queryKey: ['db.tables', server.id, db.name], queryFn: () => dbCall('db.tables', { serverId: server.id, database: db.name }), enabled: open });
  const nameHit = needle === '' || db.name.toLowerCase().includes(needle);
  const tableHits = useMemo(() => (tables.data ?? []).filter((t) => needle === '' || nameHit || t.name.toLowerCase().includes(needle)), [tables.data, needle, nameHit]);
  if (!nameHit && tableHits.length === 0) return null;
  const expanded = open || (!nameHit && tableHits.length > 0);
  return (
    <li role="treeitem" aria-expanded={expanded} aria-label={db.name}>
      <button className="db-node link-plain" onClick={onToggle}>
        <span className="twisty">{expanded ? '▾' : '▸'}</span>
        <span className="db-name">{db.name}</span>
        <span className="muted db-meta">{db.tables} table{db.tables === 1 ? '' : 's'}</span>
        <span className="muted db-meta">{formatBytes(db.sizeBytes)}</span>
      </button>
      {expanded && (
        <ul role="group">
          {tables.isLoading && <li className="muted db-loading">Loading tables…</li>}
          {tables.error && <li><ErrorNote error={asAppError(tables.error, 'Listing the tables failed.')} /></li>}
          {tables.data && tables.data.length === 0 && <li className="muted db-loading">No tables.</li>}
          {tableHits.map((t) => (
            <TableNode key={t.name} t={t} onOpen={() => onOpenTable(t.name)} />
          ))}
        </ul>
      )}
    </li>
  );
}

function TableNode({ t, onOpen }: { t: Tables[number]; onOpen: () => void }) {
  return (
    <li role="treeitem" aria-label={t.name}>
      <button className="table-node link-plain" onClick={onOpen} title={`Open ${t.name}`}>
        <span className={`tbl-icon ${t.kind}`}>{t.kind === 'view' ? '◇' : '▦'}</span>
        <span className="tbl-name">{t.name}</span>
        <span className="muted db-meta">{t.rowsEstimate === null ? '' : `~${formatCount(t.rowsEstimate)} rows`}</span>
        <span className="muted db-meta">{formatBytes(t.sizeBytes)}</span>
        <span className="muted db-meta">{t.kind === 'view' ? 'view' : t.engine ?? ''}</span>
      </button>
    </li>
  );
}
