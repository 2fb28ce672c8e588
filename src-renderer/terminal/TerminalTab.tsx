// One terminal tab: xterm.js on a shell of the server. WebGL renders where a GPU backs it; the
// DOM renderer draws otherwise, and takes over when WebGL's context is lost. Output is acknowledged
// once xterm.js has parsed it (at a low duty cycle while the tab is hidden, see pacer.ts), the size
// follows the tab (fit -> window-change), and the status line says whether the shell is connected,
// coming back, or gone.
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon, type ISearchOptions } from '@xterm/addon-search';
import { WebglAddon } from '@xterm/addon-webgl';
import type { TerminalState } from '../../shared/api/terminal';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { useSshStates } from '../client/hooks';
import { describeSsh } from '../components/ServerView';
import { forget, messageOf, openRemote, type Remote } from './remote';
import { publishTerminalState } from './status';
import { i18n } from '../i18n';

type Props = { tabId: string; server: Server };
type Status = { state: TerminalState; reason?: string };

const FONT = "'DejaVu Sans Mono', ui-monospace, Menlo, Consolas, monospace";
const DIM = (text: string) => `\x1b[2m${text}\x1b[0m`;

const THEMES: Record<'light' | 'dark', ITheme> = {
  light: {
    background: '#ffffff', foreground: '#1d2330', cursor: '#2f6fed', cursorAccent: '#ffffff', selectionBackground: '#2f6fed40',
    black: '#1d2330', red: '#c4322f', green: '#1f8a4c', yellow: '#956400', blue: '#2f6fed', magenta: '#9b36b7', cyan: '#0f7482', white: '#8b93a5',
    brightBlack: '#6b7385', brightRed: '#d64545', brightGreen: '#1f9d55', brightYellow: '#b7791f', brightBlue: '#4a84f5', brightMagenta: '#b04bcf', brightCyan: '#138a9a', brightWhite: '#b8bfcc',
  },
  dark: {
    background: '#14171c', foreground: '#e2e6ee', cursor: '#5b8cff', cursorAccent: '#14171c', selectionBackground: '#5b8cff55',
    black: '#2d333d', red: '#f06b6b', green: '#4cc38a', yellow: '#e5b45b', blue: '#6f9bff', magenta: '#c98bf0', cyan: '#4fc4cf', white: '#c8cdd6',
    brightBlack: '#6b7385', brightRed: '#ff8a8a', brightGreen: '#6fdca6', brightYellow: '#f2cb7d', brightBlue: '#92b4ff', brightMagenta: '#dcaaf7', brightCyan: '#7ad8e0', brightWhite: '#ffffff',
  },
};

const currentTheme = () => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');

const SOFTWARE_GL = /SwiftShader|llvmpipe|softpipe|Software Rasterizer|Basic Render Driver/i;
let gpu: boolean | undefined;
/**
 * Whether WebGL runs on a GPU. A software GL (SwiftShader, llvmpipe: VMs, remote desktops) draws
 * a flood about ten times slower than the DOM renderer (bench/terminal-flood), so it gets the DOM.
 * Chromium does not flag SwiftShader as a performance caveat: its renderer's name tells.
 */
function hardwareWebgl(): boolean {
  if (gpu === undefined) {
    const gl = document.createElement('canvas').getContext('webgl2', { failIfMajorPerformanceCaveat: true });
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    gpu = gl !== null && !(info && SOFTWARE_GL.test(String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL))));
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  }
  return gpu;
}

/** Keys the app handles even while a terminal has focus (they reach the window). */
const appShortcut = (e: KeyboardEvent) => e.ctrlKey && ((e.shiftKey && e.key.toLowerCase() === 't') || e.key === 'Tab');

export function TerminalTab({ tabId, server }: Props) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const [search, setSearch] = useState<SearchAddon | null>(null);
  const [searching, setSearching] = useState(false);
  const [status, setStatus] = useState<Status>({ state: 'connecting' });
  const [renderer, setRenderer] = useState<'WebGL' | 'DOM'>('DOM');
  const [note, setNote] = useState<string | null>(null);
  /** What the shell calls its window (OSC 0/2), e.g. "hdtest@vm: ~". */
  const [title, setTitle] = useState('');
  const reopen = useRef<() => void>(() => undefined);
  const focus = useRef<() => void>(() => undefined);
  const ssh = useSshStates()[server.id];
  const serverId = server.id;

  useEffect(() => {
    const element = host.current!;
    const term = new Terminal({ fontFamily: FONT, fontSize: 13, scrollback: 5000, cursorBlink: true, allowProposedApi: true, theme: THEMES[currentTheme()] });
    const fit = new FitAddon();
    const searchAddon = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(searchAddon);
    term.open(element);
    setSearch(searchAddon);
    focus.current = () => term.focus();

    if (hardwareWebgl()) {
      const webgl = new WebglAddon();
      try {
        term.loadAddon(webgl);
        webgl.onContextLoss(() => {
          webgl.dispose();
          setRenderer('DOM');
        });
        setRenderer('WebGL');
      } catch {
        // The context was refused after all (e.g. too many): xterm.js keeps its DOM renderer.
        webgl.dispose();
      }
    }

    let remote: Remote | null = null;
    /** Whether the tab has a size (a hidden tab has none); the window may still be hidden. */
    let visible = false;
    let state: TerminalState = 'connecting';
    let disposed = false;
    let lostCore = false;
    const set = (next: TerminalState, reason?: string) => {
      state = next;
      setStatus(reason === undefined ? { state: next } : { state: next, reason });
      publishTerminalState(tabId, next);
    };

    let noteTimer: ReturnType<typeof setTimeout> | undefined;
    const flash = (text: string) => {
      setNote(text);
      clearTimeout(noteTimer);
      noteTimer = setTimeout(() => setNote(null), 2500);
    };

    const start = async () => {
      set('connecting');
      if (element.clientWidth > 0) fit.fit();
      const sent = { cols: term.cols, rows: term.rows };
      try {
        const opened = await openRemote(serverId, sent.cols, sent.rows, {
          data: (data, done) => term.write(data, done),
          shown: () => visible && !document.hidden,
          state: (next, reason) => {
            set(next, reason);
            if (next !== 'closed') return;
            if (remote) forget(remote);
            remote = null;
            term.write(`\r\n${DIM(`[${reason ?? i18n.t('closed')} ${i18n.t('Press Enter for a new shell.')}]`)}\r\n`);
          },
        });
        if (disposed) return opened.close();
        remote = opened;
        set('open');
        if (term.cols !== sent.cols || term.rows !== sent.rows) remote.resize(term.cols, term.rows);
      } catch (error) {
        if (disposed) return;
        set('closed', messageOf(error));
        term.write(`\x1b[31m${messageOf(error)}\x1b[0m\r\n${DIM(`[${i18n.t('Press Enter to try again.')}]`)}\r\n`);
      }
    };

    term.onTitleChange(setTitle);
    term.onData((data) => {
      if (state === 'open' && remote) void remote.write(data).catch((error: unknown) => flash(messageOf(error)));
      else if (state === 'closed' && data.includes('\r')) void start();
    });
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    term.onResize(({ cols, rows }) => {
      // A drag resizes many times a second; the shell needs the last size only.
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => remote?.resize(cols, rows), 50);
    });

    const copy = () => {
      const text = term.getSelection();
      if (!text) return;
      navigator.clipboard.writeText(text).then(
        () => flash(i18n.t('Copied {{count, number}} characters.', { count: text.length })),
        () => flash(i18n.t('The clipboard refused the copy.')),
      );
    };
    let copyTimer: ReturnType<typeof setTimeout> | undefined;
    term.onSelectionChange(() => {
      // Copy on select, once the selection settles (a drag changes it on every mouse move).
      clearTimeout(copyTimer);
      if (term.hasSelection()) copyTimer = setTimeout(copy, 200);
    });
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown') return true;
      if (appShortcut(e)) return false;
      if (!e.ctrlKey || !e.shiftKey) return true;
      switch (e.key.toLowerCase()) {
        case 'c':
          e.preventDefault();
          copy();
          return false;
        case 'v':
          return false; // the browser's paste event follows; xterm.js sends it (bracketed)
        case 'f':
          e.preventDefault();
          setSearching(true);
          return false;
        default:
          return true;
      }
    });
    // Ctrl+K, Ctrl+N … belong to the shell while the terminal has focus.
    const keepKeys = (e: KeyboardEvent) => {
      if (!appShortcut(e)) e.stopPropagation();
    };
    element.addEventListener('keydown', keepKeys);

    const observer = new ResizeObserver(() => {
      const nowVisible = element.clientWidth > 0 && element.clientHeight > 0;
      if (nowVisible) fit.fit();
      const appeared = nowVisible && !visible;
      visible = nowVisible;
      if (appeared) {
        term.focus();
        remote?.shown();
      }
    });
    observer.observe(element);
    const onPageVisibility = () => remote?.shown();
    document.addEventListener('visibilitychange', onPageVisibility);
    const themeObserver = new MutationObserver(() => (term.options.theme = THEMES[currentTheme()]));
    themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });

    // Losing the core (browser mode's socket) loses the window's terminals: start anew after.
    const offTransport = client.onState((transport) => {
      if (transport === 'closed' && remote) {
        forget(remote);
        remote = null;
        lostCore = true;
        set('reconnecting', i18n.t('Lost the connection to the Hostdeck core.'));
      } else if (transport === 'open' && lostCore) {
        lostCore = false;
        term.write(`\r\n${DIM(`[${i18n.t('reconnected to the core: this is a new shell')}]`)}\r\n`);
        void start();
      }
    });

    reopen.current = () => {
      if (state === 'closed') void start();
      term.focus();
    };
    void start();

    return () => {
      disposed = true;
      clearTimeout(noteTimer);
      clearTimeout(resizeTimer);
      clearTimeout(copyTimer);
      offTransport();
      observer.disconnect();
      themeObserver.disconnect();
      element.removeEventListener('keydown', keepKeys);
      document.removeEventListener('visibilitychange', onPageVisibility);
      remote?.close();
      publishTerminalState(tabId, null);
      term.dispose();
    };
  }, [tabId, serverId]);

  const closeSearch = () => {
    setSearching(false);
    focus.current();
  };

  return (
    <section className={`terminal-view term-${status.state}`} aria-label={t('Terminal on {{server}}', { server: server.name })} data-state={status.state} data-renderer={renderer}>
      {searching && search && <SearchBar search={search} onClose={closeSearch} />}
      <div className="terminal-host" ref={host} />
      <div className="terminal-status">
        <span className="term-light" aria-hidden="true" />
        <span role="status" aria-label={t('Terminal state')}>
          {describe(status, server, ssh ? describeSsh(ssh) : null)}
        </span>
        {title && status.state === 'open' && (
          <span className="term-title muted" data-testid="terminal-title">
            {title}
          </span>
        )}
        {status.state === 'closed' && (
          <button className="link" onClick={() => reopen.current()}>
            {t('New shell')}
          </button>
        )}
        <span className="spacer" />
        {note ? <span className="term-note">{note}</span> : <span className="muted">{t('Ctrl+Shift+F search · Ctrl+Shift+C copy · Ctrl+Shift+V paste')}</span>}
        <span className="muted" title={renderer === 'WebGL' ? t('Drawn with WebGL on the GPU') : t('Drawn with the DOM renderer (no GPU-backed WebGL here)')}>
          {renderer}
        </span>
      </div>
    </section>
  );
}

function describe(status: Status, server: Server, ssh: string | null): string {
  const where = `${server.user}@${server.host}:${server.port}`;
  switch (status.state) {
    case 'connecting':
      return i18n.t('Connecting to {{where}}…', { where });
    case 'open':
      return i18n.t('Connected: {{where}}', { where });
    case 'reconnecting':
      return i18n.t('Reconnecting: {{reason}}', { reason: ssh && !ssh.startsWith('connected') ? ssh : (status.reason ?? '') });
    case 'closed':
      return i18n.t('Closed: {{reason}}', { reason: status.reason ?? i18n.t('the shell ended.') });
  }
}

const SEARCH_OPTIONS: ISearchOptions = {
  decorations: { matchBackground: '#f2cb7d66', matchOverviewRuler: '#e5b45b', activeMatchBackground: '#f08c00', activeMatchColorOverviewRuler: '#f08c00' },
};

function SearchBar({ search, onClose }: { search: SearchAddon; onClose: () => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ index: number; count: number } | null>(null);

  useEffect(() => {
    const subscription = search.onDidChangeResults(({ resultIndex, resultCount }) => setResults({ index: resultIndex, count: resultCount }));
    return () => {
      subscription.dispose();
      search.clearDecorations();
    };
  }, [search]);

  const find = (forward: boolean) => {
    if (!query) return;
    if (forward) search.findNext(query, SEARCH_OPTIONS);
    else search.findPrevious(query, SEARCH_OPTIONS);
  };

  return (
    <div className="terminal-search" role="search" aria-label={t('Search the scrollback')}>
      <input
        autoFocus
        aria-label={t('Search text')}
        placeholder={t('Search the scrollback')}
        value={query}
        onChange={(e) => {
          const text = e.target.value;
          setQuery(text);
          if (text) search.findNext(text, { ...SEARCH_OPTIONS, incremental: true });
          else {
            search.clearDecorations();
            setResults(null);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            find(!e.shiftKey);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          }
        }}
      />
      <span className="search-count" data-testid="search-count">
        {results && query ? (results.count === 0 ? t('No matches') : results.index < 0 ? t('{{n}}+ matches', { n: results.count }) : t('{{index}} of {{total}}', { index: results.index + 1, total: results.count })) : ''}
      </span>
      <button aria-label={t('Previous match')} title={t('Previous match (Shift+Enter)')} onClick={() => find(false)}>↑</button>
      <button aria-label={t('Next match')} title={t('Next match (Enter)')} onClick={() => find(true)}>↓</button>
      <button aria-label={t('Close search')} title={t('Close (Escape)')} onClick={onClose}>×</button>
    </div>
  );
}
