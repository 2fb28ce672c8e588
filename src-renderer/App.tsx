// The window: fleet on the left, the selected server (or a form) in the centre, status below.
import { useEffect, useRef, useState } from 'react';
import { useAppInfo, useConnectionState, useServers } from './client/hooks';
import { ImportDialog } from './components/ImportDialog';
import { ServerForm } from './components/ServerForm';
import { ServerView, type Health } from './components/ServerView';
import { Sidebar } from './components/Sidebar';

const connectionLabel = { open: 'connected', connecting: 'connecting…', closed: 'disconnected, retrying' } as const;

type Mode = { kind: 'view' } | { kind: 'add' } | { kind: 'edit'; id: string } | { kind: 'import' };
type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = localStorage.getItem('hostdeck.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function App() {
  const servers = useServers();
  const info = useAppInfo();
  const connection = useConnectionState();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [filter, setFilter] = useState('');
  const [health, setHealth] = useState<Record<string, Health>>({});
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('hostdeck.theme', theme);
  }, [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        search.current?.focus();
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'n') {
        e.preventDefault();
        setMode({ kind: 'add' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const list = servers.data ?? [];
  const selected = list.find((s) => s.id === selectedId) ?? null;
  const editing = mode.kind === 'edit' ? list.find((s) => s.id === mode.id) ?? null : null;

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">Hostdeck</div>
        <input
          ref={search}
          className="search"
          type="search"
          placeholder="Search servers, tags, roles…  (Ctrl+K)"
          aria-label="Search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setFilter('');
            if (e.key === 'Enter') {
              const needle = filter.trim().toLowerCase();
              const hit = list.find((s) => s.name.toLowerCase().includes(needle) || s.host.toLowerCase().includes(needle));
              if (hit) {
                setSelectedId(hit.id);
                setMode({ kind: 'view' });
              }
            }
          }}
        />
        <button className="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label="Toggle theme" title="Toggle light/dark theme">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>

      <aside className="sidebar">
        <div className="sidebar-actions">
          <button className="primary" onClick={() => setMode({ kind: 'add' })} title="Add server (Ctrl+N)">+ Add server</button>
          <button onClick={() => setMode({ kind: 'import' })}>Import ~/.ssh/config</button>
        </div>
        <Sidebar
          servers={list}
          filter={filter}
          selectedId={selectedId}
          health={health}
          onSelect={(id) => {
            setSelectedId(id);
            setMode({ kind: 'view' });
          }}
        />
      </aside>

      <main className="main">
        {mode.kind === 'add' && (
          <ServerForm
            server={null}
            onCancel={() => setMode({ kind: 'view' })}
            onSaved={(s) => {
              setSelectedId(s.id);
              setMode({ kind: 'view' });
            }}
          />
        )}
        {mode.kind === 'edit' && editing && <ServerForm key={editing.id} server={editing} onCancel={() => setMode({ kind: 'view' })} onSaved={() => setMode({ kind: 'view' })} />}
        {mode.kind === 'import' && <ImportDialog onClose={() => setMode({ kind: 'view' })} />}
        {mode.kind === 'view' && selected && (
          <ServerView
            key={selected.id}
            server={selected}
            onEdit={() => setMode({ kind: 'edit', id: selected.id })}
            onRemoved={() => setSelectedId(null)}
            onHealth={(h) => setHealth((all) => ({ ...all, [selected.id]: h }))}
          />
        )}
        {mode.kind === 'view' && !selected && (
          <div className="empty">
            {servers.isLoading ? (
              <p className="muted">Loading the inventory…</p>
            ) : list.length === 0 ? (
              <>
                <h2>Your fleet is empty</h2>
                <p className="muted">Add a hosting server (address, SSH user and key), or import the hosts you already have in ~/.ssh/config.</p>
                <div className="actions">
                  <button className="primary" onClick={() => setMode({ kind: 'add' })}>+ Add server</button>
                  <button onClick={() => setMode({ kind: 'import' })}>Import ~/.ssh/config</button>
                </div>
              </>
            ) : (
              <p className="muted">Select a server on the left.</p>
            )}
          </div>
        )}
      </main>

      <footer className="statusbar">
        <span className={`conn conn-${connection}`}>core: {connectionLabel[connection]}</span>
        <span>{list.length} server{list.length === 1 ? '' : 's'}</span>
        {info.data && (
          <span title={info.data.keychainNote ?? undefined} className={info.data.keychain === 'memory' ? 'warn' : ''}>
            secrets: {info.data.keychain === 'os' ? 'OS keychain' : 'memory only (no keychain)'}
          </span>
        )}
        <span className="spacer" />
        {info.data && <span className="muted">v{info.data.version}</span>}
      </footer>
    </div>
  );
}
