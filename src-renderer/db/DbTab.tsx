// A server's databases (the 'db' tab): the access form when there is none, then the tree
// (databases -> tables) with a local filter and the fleet-wide search, and the ways to the SQL
// editor and the server views.
import { useEffect, useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DbAccess } from '../../shared/api/db';
import type { Server } from '../../shared/domain';
import type { AppError } from '../../shared/errors';
import { ErrorNote } from '../components/ErrorNote';
import type { Tab } from '../tabs/tab';
import { asAppError, dbCall, type DbOut } from './api';
import { formatBytes, formatCount } from './cells';
import { msg } from '../i18n';

type Props = { server: Server; servers: Server[]; onOpenTab: (tab: Tab) => void };

const SOCKET_EXAMPLE = '/run/mysqld/mysqld.sock';
const HIT_KIND: Record<Hit['kind'], string> = { database: msg('database'), table: msg('table'), column: msg('column'), user: msg('user') };

export const tableTabId = (serverId: string, database: string, table: string) => `table:${serverId}:${database}:${table}`;

export function DbTab({ server, servers, onOpenTab }: Props) {
  const { t } = useTranslation();
  const access = useQuery({ queryKey: ['db.getAccess', server.id], queryFn: () => dbCall('db.getAccess', { serverId: server.id }) });
  const [editing, setEditing] = useState(false);

  if (access.isLoading) return <p className="muted">{t('Loading the database access of {{server}}…', { server: server.name })}</p>;
  if (access.error) return <ErrorNote error={asAppError(access.error, t('Reading the database access failed.'))} />;
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
  const { t } = useTranslation();
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
      setError(asAppError(err, t('Saving the database access failed.')));
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
    <form className="panel form db-access" aria-label={t('Database access')} onSubmit={save}>
      <h2>{t('Database access on {{server}}', { server: server.name })}</h2>
      <p className="muted">{t("Hostdeck reaches MySQL through this server's SSH connection; MySQL itself is never exposed. The password is kept in the OS keychain.")}</p>
      <div className="db-source" role="radiogroup" aria-label={t('How to log in')}>
        <label className="check">
          <input type="radio" name="source" checked={source === 'login'} onChange={() => setSource('login')} /> {t('A MySQL login')}
        </label>
        <label className="check">
          <input type="radio" name="source" checked={source === 'mycnf'} onChange={() => setSource('mycnf')} /> {t('Read ~/.my.cnf on the server')}
        </label>
      </div>
      {source === 'login' ? (
        <div className="grid">
          {field('user', t('User'), <input name="user" value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" />)}
          {field('password', t('Password'), <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" placeholder={hasPassword ? t('unchanged (stored in the keychain)') : ''} />)}
          {field('host', t('Host (as the server sees it)'), <input name="host" value={host} onChange={(e) => setHost(e.target.value)} />, t('Usually 127.0.0.1'))}
          {field('port', t('Port'), <input name="port" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} />)}
          {field('socketPath', t('Unix socket (instead of host and port)'), <input name="socketPath" value={socketPath} onChange={(e) => setSocketPath(e.target.value)} placeholder={SOCKET_EXAMPLE} />, t('Leave empty to use TCP'))}
        </div>
      ) : (
        <p className="muted">{t("Hostdeck reads user, password, host, port or socket from the [client] section of the SSH user's ~/.my.cnf each time it connects.")}</p>
      )}
      <label className="check db-ro">
        <input type="checkbox" name="readOnly" checked={ro} onChange={(e) => setRo(e.target.checked)} /> {t('Read-only (the core refuses every statement that writes)')}
      </label>
      {error && !error.fields && <ErrorNote error={error} title={t('Not saved.')} />}
      <div className="actions">
        <button className="primary" type="submit" disabled={busy}>{busy ? t('Saving…') : t('Save and connect')}</button>
        {onCancel && <button type="button" onClick={onCancel}>{t('Cancel')}</button>}
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
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

function DbTree({ server, servers, readOnly, onOpenTab, onEditAccess }: { server: Server; servers: Server[]; readOnly: boolean; onOpenTab: (tab: Tab) => void; onEditAccess: () => void }) {
  const { t } = useTranslation();
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
  const serverName = (id: string) => servers.find((s) => s.id === id)?.name ?? t('unknown server');

  return (
    <section className="panel db-view" aria-label={t('Databases on {{server}}', { server: server.name })}>
      <header className="db-head">
        <div>
          <h2>{t('Databases on {{server}}', { server: server.name })}</h2>
          <div className="muted">
            {list.length ? `${t('{{count, number}} databases', { count: list.length })} · ${formatBytes(list.reduce((s, d) => s + d.sizeBytes, 0))}` : ' '}
            {readOnly && <span className="chip chip-warn db-ro-chip">{t('read-only')}</span>}
          </div>
        </div>
        <div className="actions">
          <button onClick={() => onOpenTab({ id: `sql:${server.id}`, kind: 'sql', serverId: server.id, database: null })}>{t('SQL editor')}</button>
          <button onClick={() => onOpenTab({ id: `db-admin:${server.id}`, kind: 'db-admin', serverId: server.id })}>{t('Processes, status, users')}</button>
          <button onClick={onEditAccess}>{t('Access…')}</button>
          <button className="ghost" title={t('Reload')} aria-label={t('Reload the databases')} onClick={() => void dbs.refetch()}>⟳</button>
        </div>
      </header>
      <input
        className="db-search"
        type="search"
        aria-label={t('Filter databases and search the fleet')}
        placeholder={t('Filter this tree; search databases, tables, columns and users on every server')}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setText('')}
      />
      {query.length >= 2 && needle && (
        <div className="db-hits" role="region" aria-label={t('Fleet search results')}>
          <div className="group-title">
            {t('Across the fleet')} {search.isFetching && <span className="muted">· {t('searching…')}</span>}
          </div>
          {search.error && <ErrorNote error={asAppError(search.error, t('The search failed.'))} />}
          {search.data && search.data.hits.length === 0 && !search.isFetching && <p className="muted db-nohits">{t('Nothing named like “{{query}}” on any server.', { query })}</p>}
          {search.data && (
            <ul>
              {search.data.hits.slice(0, 200).map((h, i) => (
                <li key={i}>
                  <button className="db-hit link-plain" onClick={() => openHit(h)}>
                    <span className={`kind kind-${h.kind}`}>{t(HIT_KIND[h.kind])}</span>
                    <span className="mono">{h.kind === 'column' ? `${h.database}.${h.table}.${h.name}` : h.kind === 'table' ? `${h.database}.${h.name}` : h.name}</span>
                    <span className="muted">{t('on {{server}}', { server: serverName(h.serverId) })}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {search.data?.failed.map((f) => (
            <p key={f.serverId} className="muted db-failed">{t('Not searched on {{server}}: {{reason}}', { server: serverName(f.serverId), reason: f.reason })}</p>
          ))}
        </div>
      )}
      {dbs.isLoading && <p className="muted">{t('Connecting to MySQL on {{server}}…', { server: server.name })}</p>}
      {dbs.error && <ErrorNote error={asAppError(dbs.error, t('Listing the databases failed.'))} />}
      <ul className="db-tree" role="tree" aria-label={t('Databases')}>
        {list.map((d) => (
          <DatabaseNode key={d.name} server={server} db={d} open={open.has(d.name)} needle={needle} onToggle={() => toggle(d.name)} onOpenTable={(table) => openTable(server.id, d.name, table)} />
        ))}
      </ul>
    </section>
  );
}

function DatabaseNode({ server, db, open, needle, onToggle, onOpenTable }: { server: Server; db: Databases[number]; open: boolean; needle: string; onToggle: () => void; onOpenTable: (table: string) => void }) {
  const { t } = useTranslation();
  const tables = useQuery({ queryKey: ['db.tables', server.id, db.name], queryFn: () => dbCall('db.tables', { serverId: server.id, database: db.name }), enabled: open });
  const nameHit = needle === '' || db.name.toLowerCase().includes(needle);
  const tableHits = useMemo(() => (tables.data ?? []).filter((table) => needle === '' || nameHit || table.name.toLowerCase().includes(needle)), [tables.data, needle, nameHit]);
  if (!nameHit && tableHits.length === 0) return null;
  const expanded = open || (!nameHit && tableHits.length > 0);
  return (
    <li role="treeitem" aria-expanded={expanded} aria-label={db.name}>
      <button className="db-node link-plain" onClick={onToggle}>
        <span className="twisty">{expanded ? '▾' : '▸'}</span>
        <span className="db-name">{db.name}</span>
        <span className="muted db-meta">{t('{{count, number}} tables', { count: db.tables })}</span>
        <span className="muted db-meta">{formatBytes(db.sizeBytes)}</span>
      </button>
      {expanded && (
        <ul role="group">
          {tables.isLoading && <li className="muted db-loading">{t('Loading tables…')}</li>}
          {tables.error && <li><ErrorNote error={asAppError(tables.error, t('Listing the tables failed.'))} /></li>}
          {tables.data && tables.data.length === 0 && <li className="muted db-loading">{t('No tables.')}</li>}
          {tableHits.map((table) => (
            <TableNode key={table.name} table={table} onOpen={() => onOpenTable(table.name)} />
          ))}
        </ul>
      )}
    </li>
  );
}

function TableNode({ table, onOpen }: { table: Tables[number]; onOpen: () => void }) {
  const { t } = useTranslation();
  return (
    <li role="treeitem" aria-label={table.name}>
      <button className="table-node link-plain" onClick={onOpen} title={t('Open {{table}}', { table: table.name })}>
        <span className={`tbl-icon ${table.kind}`}>{table.kind === 'view' ? '◇' : '▦'}</span>
        <span className="tbl-name">{table.name}</span>
        <span className="muted db-meta">{table.rowsEstimate === null ? '' : t('~{{rows}} rows', { rows: formatCount(table.rowsEstimate) })}</span>
        <span className="muted db-meta">{formatBytes(table.sizeBytes)}</span>
        <span className="muted db-meta">{table.kind === 'view' ? t('view') : table.engine ?? ''}</span>
      </button>
    </li>
  );
}
