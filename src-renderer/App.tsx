// The window: fleet on the left, tabs (or a form) in the centre, status below.
import { useEffect, useRef, useState } from 'react';
import { useAppInfo, useConnectionState, useServers } from './client/hooks';
import { ImportDialog } from './components/ImportDialog';
import { PromptDialog } from './components/PromptDialog';
import { ServerForm } from './components/ServerForm';
import type { Health } from './components/ServerView';
import { Sidebar } from './components/Sidebar';
import { TabBody, tabTitle, type Tab, type TabContext } from './tabs';

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
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [activeId, setActiveId] = useState<string | null>(null);
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
      } else if (e.ctrlKey && e.key === 'Tab') {
        e.preventDefault();
        setTabs((all) => {
          setActiveId((current) => {
            const i = all.findIndex((t) => t.id === current);
            return all.length ? all[(i + (e.shiftKey ? all.length - 1 : 1)) % all.length]!.id : null;
          });
          return all;
        });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const list = servers.data ?? [];
  const editing = mode.kind === 'edit' ? list.find((s) => s.id === mode.id) ?? null : null;
  const activeTab = tabs.find((t) => t.id === activeId) ?? null;
  const selectedId = activeTab?.serverId ?? null;

  /** Opens a tab, or shows it if one with the same id is open. */
  function openTab(tab: Tab) {
    setTabs((all) => (all.some((t) => t.id === tab.id) ? all : [...all, tab]));
    setActiveId(tab.id);
    setMode({ kind: 'view' });
  }

  function closeTab(id: string) {
    setTabs((all) => {
      const i = all.findIndex((t) => t.id === id);
      const rest = all.filter((t) => t.id !== id);
      if (id === activeId) setActiveId(rest[Math.min(i, rest.length - 1)]?.id ?? null);
      return rest;
    });
  }

  const openServer = (serverId: string) => openTab({ id: `server:${serverId}`, kind: 'server', serverId });

  const ctx: TabContext = {
    servers: list,
    onEdit: (id) => setMode({ kind: 'edit', id }),
    onRemoved: (id) => setTabs((all) => all.filter((t) => t.serverId !== id)),
    onHealth: (id, h) => setHealth((all) => ({ ...all, [id]: h })),
  };

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
              if (hit) openServer(hit.id);
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
          onSelect={openServer}
        />
      </aside>

      <main className="main">
        {tabs.length > 0 && (
          <div className="tabstrip" role="tablist" aria-label="Open tabs">
            {tabs.map((tab) => (
              <div key={tab.id} className={`tab ${tab.id === activeId && mode.kind === 'view' ? 'active' : ''}`}>
                <button
                  role="tab"
                  className="link-plain"
                  aria-selected={tab.id === activeId}
                  onClick={() => {
                    setActiveId(tab.id);
                    setMode({ kind: 'view' });
                  }}
                  onAuxClick={(e) => e.button === 1 && closeTab(tab.id)}
                >
                  {tabTitle(tab, list)}
                </button>
                <button className="close" aria-label={`Close ${tabTitle(tab, list)}`} onClick={() => closeTab(tab.id)}>
                  ×
                </button>
              </div>
            ))}
          </div>
        )}
        {mode.kind === 'add' && (
          <ServerForm server={null} onCancel={() => setMode({ kind: 'view' })} onSaved={(s) => openServer(s.id)} />
        )}
        {mode.kind === 'edit' && editing && <ServerForm key={editing.id} server={editing} onCancel={() => setMode({ kind: 'view' })} onSaved={() => setMode({ kind: 'view' })} />}
        {mode.kind === 'import' && <ImportDialog onClose={() => setMode({ kind: 'view' })} />}
        {tabs.map((tab) => (
          <div key={tab.id} className="tab-body" role="tabpanel" hidden={mode.kind !== 'view' || tab.id !== activeId}>
            <TabBody tab={tab} ctx={ctx} />
          </div>
        ))}
        {mode.kind === 'view' && !activeTab && (
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
              <p className="muted">Select a server on the left, or press Ctrl+K to find one.</p>
            )}
          </div>
        )}
      </main>

      <PromptDialog />
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
