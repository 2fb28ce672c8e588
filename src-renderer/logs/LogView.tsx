// A log view: pick one of the logs the core listed (a site's or a server's), follow it live, filter
// what is shown while it keeps coming, search its older and rotated files on the server, and save
// a part of it. Lines arrive in batches and are taken once per animation frame into a capped
// buffer; the list is virtualised, so a flood costs one render per frame whatever its rate. The
// filter box stays responsive: it is a component of its own, so a keystroke renders the box alone
// at once; the filtering follows in a transition (React renders it when the frame has time).
// Keys: `/` focuses the filter, `f` toggles follow, `p` pauses, Esc leaves the filter box.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { startTransition, useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { FOLLOW_BACKLOG_MAX, type LogHit, type LogInfo, type TailState } from '../../shared/api/logs';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { saveFile } from '../components/save-file';
import { CAP, LineBuffer } from './buffer';
import { startTail, type Tail } from './tail';
import { formatNumber } from '../i18n/format';

const ROW = 18;
const BACKLOG = Math.min(1000, FOLLOW_BACKLOG_MAX);

type Props = { serverId: string; site?: string; label: string };

export function LogView({ serverId, site, label }: Props) {
  const { t } = useTranslation();
  const list = useQuery({ queryKey: ['logs.list', serverId, site ?? null], queryFn: () => client.call('logs.list', { serverId, ...(site ? { site } : {}) }) });
  const logs = list.data?.logs ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const current = logs.find((l) => l.id === chosen) ?? logs.find((l) => l.exists) ?? logs[0] ?? null;
  return (
    <section className="log-view" aria-label={label} data-testid="log-view">
      <div className="log-pick" role="tablist" aria-label={t('Logs')}>
        {logs.map((l) => (
          <button key={l.id} role="tab" aria-selected={l.id === current?.id} className={l.id === current?.id ? 'selected' : ''} onClick={() => setChosen(l.id)} title={l.path}>
            {l.label}
            {!l.exists && <span className="muted">{l.denied ? t(' (no permission)') : t(' (none yet)')}</span>}
          </button>
        ))}
        <button className="log-refresh" onClick={() => void list.refetch()} title={t('List the logs again')}>↻</button>
      </div>
      {list.isPending && <p className="muted">{t('Looking for logs on the server…')}</p>}
      {list.error && <ErrorNote error={list.error as AppError} />}
      {list.data && logs.length === 0 && <p className="muted">{t('No readable log found on this server.')}</p>}
      {current && <LiveLog key={`${serverId}:${site ?? ''}:${current.id}`} serverId={serverId} site={site} log={current} />}
    </section>
  );
}

function LiveLog({ serverId, site, log }: { serverId: string; site?: string; log: LogInfo }) {
  const { t } = useTranslation();
  const ref = { serverId, ...(site ? { site } : {}), log: log.id };
  const buffer = useRef(new LineBuffer()).current;
  const [, setVersion] = useState(0);
  const [state, setState] = useState<{ state: TailState | 'starting'; reason?: string; error?: AppError }>({ state: 'starting' });
  const [follow, setFollow] = useState(true);
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState('');
  const [rate, setRate] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const filterBox = useRef<HTMLInputElement>(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  // The tail: lines gathered between frames, taken into the buffer once per frame and acknowledged.
  useEffect(() => {
    let tail: Tail | null = null;
    let stopped = false;
    let waiting: string[][] = [];
    let frame = 0;
    // The rate over the last second, sampled twice a second (so it falls to 0 when lines stop).
    const samples: { at: number; n: number }[] = [];
    const sampler = setInterval(() => {
      const now = performance.now();
      samples.push({ at: now, n: buffer.received });
      while (samples.length > 3) samples.shift();
      const first = samples[0]!;
      setRate(now - first.at > 0 ? Math.round(((buffer.received - first.n) * 1000) / (now - first.at)) : 0);
    }, 500);
    const take = () => {
      frame = 0;
      let n = 0;
      for (const batch of waiting) {
        buffer.push(batch);
        n += batch.length;
      }
      waiting = [];
      if (n) tail?.ack(n);
      if (!pausedRef.current) setVersion((v) => v + 1);
    };
    void startTail(ref, BACKLOG, {
      lines: (lines) => {
        waiting.push(lines);
        if (!frame) frame = requestAnimationFrame(take);
      },
      state: (s, reason) => setState({ state: s, ...(reason === undefined ? {} : { reason }) }),
    }).then(
      (started) => {
        if (stopped) return started.stop();
        tail = started;
        setState({ state: 'open' });
      },
      (error: unknown) => setState({ state: 'closed', error: error instanceof AppError ? error : new AppError('internal', String(error)) }),
    );
    return () => {
      stopped = true;
      clearInterval(sampler);
      if (frame) cancelAnimationFrame(frame);
      tail?.stop();
    };
    // The key of this component changes with the log: one tail per mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    buffer.setFilter(filter);
    setVersion((v) => v + 1);
  }, [filter, buffer]);

  const count = buffer.count;
  const virtual = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 10 });
  useEffect(() => {
    if (follow && !paused && count > 0) virtual.scrollToIndex(count - 1, { align: 'end' });
  });

  const onWheel = useCallback((e: { deltaY: number }) => {
    if (e.deltaY < 0) setFollow(false);
  }, []);

  function onKey(e: KeyboardEvent) {
    const typing = e.target instanceof HTMLInputElement;
    if (e.key === 'Escape' && typing) {
      (e.target as HTMLInputElement).blur();
      scroller.current?.focus();
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '/') {
      e.preventDefault();
      filterBox.current?.focus();
    } else if (e.key === 'f') {
      e.preventDefault();
      setFollow((v) => !v);
    } else if (e.key === 'p') {
      e.preventDefault();
      setPaused((v) => !v);
    }
  }

  const save = () => saveFile(`${site ?? 'server'}-${log.id}-view${filter ? '-filtered' : ''}.log`, [buffer.text()], 'text/plain;charset=utf-8');

  return (
    <div className="live-log" onKeyDown={onKey}>
      <div className="log-toolbar">
        <FilterBox inputRef={filterBox} onFilter={(text) => startTransition(() => setFilter(text))} />
        <button aria-pressed={follow} className={follow ? 'on' : ''} onClick={() => setFollow((v) => !v)} title={t('Keep the newest line in view (f)')}>{t('Follow')}</button>
        <button aria-pressed={paused} className={paused ? 'on' : ''} onClick={() => setPaused((v) => !v)} title={t('Freeze the view; lines keep arriving (p)')}>{paused ? t('Resume') : t('Pause')}</button>
        <button onClick={() => { buffer.clear(); setVersion((v) => v + 1); }} title={t('Empty the view')}>{t('Clear')}</button>
        <button onClick={save} title={t('Save the lines shown (filtered, if a filter is set)')}>{t('Save view')}</button>
        <span className="spacer" />
        <span className="log-status muted" data-testid="log-status" data-received={buffer.received} data-state={state.state}>
          <TailLight state={state.state} />
          <code title={t('On the server')}>{log.path}</code> · {buffer.filtering ? t('{{count, number}} matching lines', { count }) : t('{{count, number}} lines', { count })}
          {rate > 0 ? ` · ${t('{{n}} lines/s', { n: formatNumber(rate) })}` : ''}
          {buffer.received > CAP ? ` · ${t('last {{n}} kept', { n: formatNumber(CAP) })}` : ''}
        </span>
      </div>
      {state.error && <ErrorNote error={state.error} />}
      {state.state === 'closed' && !state.error && state.reason && <div className="note note-warn">{t('The tail ended: {{reason}}', { reason: state.reason })}</div>}
      {state.state === 'reconnecting' && <div className="note note-warn">{state.reason ? t('Connection lost; the tail resumes when the server is back ({{reason}}).', { reason: state.reason }) : t('Connection lost; the tail resumes when the server is back.')}</div>}
      <div className="log-lines" ref={scroller} tabIndex={0} onWheel={onWheel} role="log" aria-label={t('{{log}} lines', { log: log.label })} aria-live="off">
        {count === 0 ? (
          <p className="muted log-empty">
            {buffer.filtering ? t('No shown line contains “{{filter}}”.', { filter }) : state.state === 'starting' ? t('Starting the tail…') : log.exists ? t('Waiting for new lines in {{where}}…', { where: log.id === 'journal' ? t('the journal') : log.path }) : log.denied ? t('The server\'s SSH user may not read {{path}} (the site\'s logs are root\'s, readable by the site\'s group).', { path: log.path }) : t('{{path}} does not exist yet; its lines appear here once it is written.', { path: log.path })}
          </p>
        ) : (
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {virtual.getVirtualItems().map((item) => {
              const row = buffer.row(item.index);
              return (
                <div key={item.key} className="log-line" style={{ transform: `translateY(${item.start}px)` }}>
                  <span className="log-n">{row.n}</span>
                  <Highlighted text={row.text} mark={buffer.filtering ? filter : ''} />
                </div>
              );
            })}
          </div>
        )}
      </div>
      <ServerSearch refTo={ref} log={log} />
    </div>
  );
}

/** The filter box: its own state, so typing re-renders only the box. */
function FilterBox({ inputRef, onFilter }: { inputRef: RefObject<HTMLInputElement | null>; onFilter: (text: string) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  return (
    <input
      ref={inputRef}
      className="log-filter"
      placeholder={t('Filter shown lines (/)')}
      aria-label={t('Filter shown lines')}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onFilter(e.target.value);
      }}
      spellCheck={false}
    />
  );
}

function TailLight({ state }: { state: TailState | 'starting' }) {
  const { t } = useTranslation();
  return <span className={`term-light term-${state === 'starting' ? 'connecting' : state}`} aria-label={t('Tail {{state}}', { state })} role="img" />;
}

function Highlighted({ text, mark }: { text: string; mark: string }) {
  if (!mark) return <span>{text}</span>;
  const at = text.indexOf(mark);
  if (at < 0) return <span>{text}</span>;
  return (
    <span>
      {text.slice(0, at)}
      <mark>{mark}</mark>
      {text.slice(at + mark.length)}
    </span>
  );
}

/** Search of the log's files (rotated and .gz ones too) on the server, and downloads of a part. */
function ServerSearch({ refTo, log }: { refTo: { serverId: string; site?: string; log: string }; log: LogInfo }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [from, setFrom] = useState('1');
  const [to, setTo] = useState('1000');
  const search = useMutation({ mutationFn: (query: string) => client.call('logs.search', { ...refTo, text: query, limit: 1000 }) });
  const save = useMutation({
    mutationFn: (part: { text: string } | { from: number; to: number }) => client.call('logs.download', { ...refTo, ...part }),
    onSuccess: (r) => saveFile(r.name, [r.text], 'text/plain;charset=utf-8'),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text) search.mutate(text);
  };
  const hits: LogHit[] = search.data?.hits ?? [];
  return (
    <details className="log-search">
      <summary>{t('Search older and rotated files on the server, download a part')}</summary>
      <form className="log-search-form" onSubmit={submit}>
        <input aria-label={t('Search text')} placeholder={t('Text to find (as typed, case-sensitive)')} value={text} onChange={(e) => setText(e.target.value)} maxLength={200} spellCheck={false} />
        <button type="submit" disabled={!text || search.isPending}>{search.isPending ? t('Searching…') : t('Search on server')}</button>
        <button type="button" disabled={!text || save.isPending} onClick={() => save.mutate({ text })}>{t('Download matching lines')}</button>
      </form>
      <form className="log-search-form" onSubmit={(e) => { e.preventDefault(); save.mutate({ from: Number(from), to: Number(to) }); }}>
        <label>{t('Lines')} <input aria-label={t('From line')} type="number" min={1} value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>{t('to')} <input aria-label={t('To line')} type="number" min={1} value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <span className="muted">{t('of {{path}}', { path: log.path })}</span>
        <button type="submit" disabled={save.isPending}>{t('Download lines')}</button>
      </form>
      {search.error && <ErrorNote error={search.error as AppError} />}
      {save.error && <ErrorNote error={save.error as AppError} />}
      {save.data && <p className="muted" role="status">{save.data.truncated ? t('Saved {{name}}: {{n}} lines (cut at the limit).', { name: save.data.name, n: formatNumber(save.data.lines) }) : t('Saved {{name}}: {{n}} lines.', { name: save.data.name, n: formatNumber(save.data.lines) })}</p>}
      {search.data && (
        <div className="log-hits" role="region" aria-label={t('Search results')}>
          <p className="muted">
            {hits.length === 0 ? t('Nothing found in this log or its rotated files.') : search.data.truncated ? t('{{count, number}} lines found (the first 1,000), oldest file first.', { count: hits.length }) : t('{{count, number}} lines found, oldest file first.', { count: hits.length })}
          </p>
          {hits.map((h, i) => (
            <div key={i} className="log-line static">
              <span className="log-file" title={h.file}>{h.file.slice(h.file.lastIndexOf('/') + 1)}:{h.line}</span>
              <span>{h.text}</span>
            </div>
          ))}
        </div>
      )}
    </details>
  );
}
