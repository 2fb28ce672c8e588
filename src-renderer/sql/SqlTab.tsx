// The SQL editor tab: a database to run in, the editor, Run (Ctrl+Enter: the selection, else
// everything) and Cancel while it runs, one result tab per statement (rows as faithful cells,
// affected rows, the error of the failed one, "not run" for the rest, a note when capped), and
// the server's history (click to put a statement back).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ResultSet } from '../../shared/api/db';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { CellView, formatCount } from '../db/cells';
import { SqlEditor, type SqlEditorHandle } from './SqlEditor';
import { formatDateTime } from '../i18n/format';
import { i18n } from '../i18n';

const MAX_ROWS = 1000;

type Run = { queryId: string; started: number; cancelling: boolean };
type Outcome = { results: ResultSet[]; cancelled: boolean; durationMs: number };

const asError = (e: unknown, fallback: string) => (e instanceof AppError ? e : new AppError('internal', fallback, { details: e instanceof Error ? e.message : String(e) }));
const notRun = (r: ResultSet) => r.error !== null && r.error.startsWith('Not run');

function label(r: ResultSet, i: number): string {
  const verb = /^[\s(]*([A-Za-z]+)/.exec(r.statement)?.[1]?.toUpperCase() ?? 'SQL';
  return `${i + 1} · ${verb}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? i18n.t('{{ms}} ms', { ms: Math.round(ms) }) : i18n.t('{{s}} s', { s: (ms / 1000).toFixed(1) });
}

export function SqlTab({ server, database: initialDatabase }: { server: Server; database: string | null }) {
  const { t } = useTranslation();
  const serverId = server.id;
  const queryClient = useQueryClient();
  const editor = useRef<SqlEditorHandle>(null);
  const [database, setDatabase] = useState<string | null>(initialDatabase);
  const [schema, setSchema] = useState<Record<string, string[]>>({});
  const [run, setRun] = useState<Run | null>(null);
  const [now, setNow] = useState(0);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<AppError | null>(null);
  const [showHistory, setShowHistory] = useState(false);

  const databases = useQuery({ queryKey: ['db.databases', serverId], queryFn: () => client.call('db.databases', { serverId }) });
  const historyKey = ['db.history', serverId];
  const history = useQuery({ queryKey: historyKey, queryFn: () => client.call('db.history', { serverId }), enabled: showHistory });

  // The database's tables for completion; their columns when the text names them.
  useEffect(() => {
    setSchema({});
    if (!database) return;
    let live = true;
    client.call('db.tables', { serverId, database }).then(
      (tables) => live && setSchema(Object.fromEntries(tables.map((table) => [table.name, [] as string[]]))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [serverId, database]);

  const asked = useRef(new Set<string>());
  useEffect(() => asked.current.clear(), [database]);
  const needColumns = useCallback(
    (tables: string[]) => {
      if (!database) return;
      for (const table of tables) {
        const id = `${database}\u0000${table}`;
        if (asked.current.has(id)) continue;
        asked.current.add(id);
        client.call('db.columns', { serverId, database, table }).then(
          (c) => setSchema((s) => (table in s ? { ...s, [table]: c.columns.map((col) => col.name) } : s)),
          () => undefined,
        );
      }
    },
    [serverId, database],
  );

  // The elapsed time while running.
  useEffect(() => {
    if (!run) return;
    const timer = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(timer);
  }, [run]);

  const runRef = useRef(run);
  runRef.current = run;
  const execute = useCallback(async () => {
    if (runRef.current) return;
    const sql = editor.current?.runnable().trim() ?? '';
    if (!sql) return;
    const queryId = crypto.randomUUID();
    const started = performance.now();
    const state = { queryId, started, cancelling: false };
    runRef.current = state;
    setRun(state);
    setNow(started);
    setError(null);
    try {
      const out = await client.call('db.query', { queryId, serverId, database, sql, maxRows: MAX_ROWS });
      setOutcome({ ...out, durationMs: performance.now() - started });
      const failed = out.results.findIndex((r) => r.error !== null && !notRun(r));
      setActive(failed >= 0 ? failed : out.results.length - 1);
    } catch (e) {
      setOutcome(null);
      setError(asError(e, t('The query could not be run.')));
    } finally {
      runRef.current = null;
      setRun(null);
      void queryClient.invalidateQueries({ queryKey: historyKey });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [serverId, database, queryClient]);

  async function cancel() {
    if (!run) return;
    setRun({ ...run, cancelling: true });
    try {
      await client.call('db.cancel', { queryId: run.queryId });
    } catch (e) {
      setError(asError(e, t('The query could not be cancelled.')));
    }
  }

  const results = outcome?.results ?? [];
  const shown = results[Math.min(active, results.length - 1)];

  return (
    <section className="sql-view" aria-label={t('SQL editor {{server}}', { server: server.name })}>
      <div className="sql-toolbar">
        <label className="sql-db">
          <span className="muted">{t('Database')}</span>
          <select aria-label={t('Database')} value={database ?? ''} onChange={(e) => setDatabase(e.target.value || null)}>
            <option value="">{t('(none)')}</option>
            {database && !databases.data?.some((d) => d.name === database) && <option value={database}>{database}</option>}
            {databases.data?.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        {run ? (
          <>
            <button className="danger" onClick={() => void cancel()} disabled={run.cancelling}>
              {run.cancelling ? t('Cancelling…') : t('Cancel')}
            </button>
            <span className="sql-elapsed" data-testid="sql-elapsed" role="status">
              {t('Running…')} {seconds(Math.max(0, now - run.started))}
            </span>
          </>
        ) : (
          <button className="primary" onClick={() => void execute()} title={t('Run the selection, or everything (Ctrl+Enter)')}>
            {t('Run')}
          </button>
        )}
        <span className="sql-spacer" />
        <button aria-pressed={showHistory} onClick={() => setShowHistory((v) => !v)}>
          {t('History')}
        </button>
      </div>
      <div className="sql-main">
        <div className="sql-work">
          <SqlEditor ref={editor} schema={schema} onNeedColumns={needColumns} onRun={() => void execute()} />
          {error && <ErrorNote error={error} />}
          {outcome && (
            <div className="sql-results">
              <div className="sql-result-head">
                <div className="sql-result-tabs" role="tablist" aria-label={t('Results')}>
                  {results.map((r, i) => (
                    <button
                      key={i}
                      role="tab"
                      aria-selected={r === shown}
                      className={`sql-result-tab ${r === shown ? 'active' : ''} ${r.error ? (notRun(r) ? 'not-run' : 'failed') : ''}`}
                      onClick={() => setActive(i)}
                      title={r.statement}
                    >
                      {label(r, i)}
                    </button>
                  ))}
                </div>
                <span className="muted sql-summary" data-testid="sql-summary">
                  {outcome.cancelled ? t('Cancelled after') : t('Done in')}{' '}
                  {seconds(outcome.durationMs)}
                </span>
              </div>
              {shown && <ResultView result={shown} />}
            </div>
          )}
        </div>
        {showHistory && (
          <aside className="sql-history" aria-label={t('History')}>
            <h3>{t('History')}</h3>
            {history.isLoading && <p className="muted">{t('Loading…')}</p>}
            {history.data?.length === 0 && <p className="muted">{t('Nothing run on this server yet.')}</p>}
            <ul>
              {history.data?.map((h, i) => (
                <li key={i}>
                  <button className="sql-history-item" onClick={() => editor.current?.setText(h.sql)} title={t('Put this back in the editor')}>
                    <span className="mono">{h.sql.length > 300 ? `${h.sql.slice(0, 300)}…` : h.sql}</span>
                    <span className="muted">
                      {formatDateTime(h.at)}
                      {h.database ? ` · ${h.database}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </aside>
        )}
      </div>
    </section>
  );
}

function ResultView({ result }: { result: ResultSet }) {
  const { t } = useTranslation();
  if (result.error !== null) {
    return (
      <div className="sql-result" role="tabpanel">
        <pre className="sql-statement">{result.statement}</pre>
        <p className={notRun(result) ? 'muted sql-not-run' : 'sql-error'} role={notRun(result) ? undefined : 'alert'} data-testid="sql-error">
          {result.error}
        </p>
      </div>
    );
  }
  if (result.columns.length === 0) {
    return (
      <div className="sql-result" role="tabpanel">
        <pre className="sql-statement">{result.statement}</pre>
        <p data-testid="sql-affected">
          {t('{{n}} rows affected', { count: result.affectedRows ?? 0, n: formatCount(result.affectedRows ?? 0) })} · {seconds(result.durationMs)}
        </p>
      </div>
    );
  }
  return (
    <div className="sql-result" role="tabpanel">
      <p className="sql-meta muted">
        {t('{{n}} rows', { count: result.rows.length, n: formatCount(result.rows.length) })} · {seconds(result.durationMs)}
        {result.capped && (
          <span className="sql-capped" data-testid="sql-capped">
            {' '}
            · {t('Showing the first {{n}} rows; the server had more.', { n: formatCount(result.rows.length) })}
          </span>
        )}
      </p>
      <div className="sql-grid-wrap">
        <table className="sql-grid" data-testid="sql-grid">
          <thead>
            <tr>
              <th className="sql-rownum">#</th>
              {result.columns.map((c, i) => (
                <th key={i} title={c.type}>
                  {c.name}
                  <span className="sql-coltype">{c.type}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {result.rows.map((row, r) => (
              <tr key={r}>
                <td className="sql-rownum">{r + 1}</td>
                {row.map((cell, c) => (
                  <td key={c}>
                    <CellView value={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
