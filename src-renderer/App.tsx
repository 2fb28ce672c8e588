// The window: fleet on the left, tabs (or a form) in the centre, status below.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppInfo, useConnectionState, useServers } from './client/hooks';
import { useTeamSync } from './team/sync';
import { ImportDialog } from './components/ImportDialog';
import { PromptDialog } from './components/PromptDialog';
import { ServerForm } from './components/ServerForm';
import { Sidebar } from './components/Sidebar';
import { useAttentionCount, useHealthByServer, useHealthFeed } from './health/feed';
import { notifyDesktop } from './health/notify';
import { Toasts, useToasts } from './health/Toasts';
import { DRIFT_FLEET_TAB, type Tab, type TabContext } from './tabs/tab';
import { TabBody, TabLabel, tabTitle } from './tabs/TabView';
import { useSupportMode } from './audit/support';
import { msg } from './i18n';

const connectionLabel = { open: msg('connected'), connecting: msg('connecting…'), closed: msg('disconnected, retrying') } as const;

type Mode = { kind: 'view' } | { kind: 'add' } | { kind: 'edit'; id: string } | { kind: 'import' };
type Theme = 'light' | 'dark';

function initialTheme(): Theme {
  const saved = localStorage.getItem('hostdeck.theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function App() {
  const { t } = useTranslation();
  const servers = useServers();
  useTeamSync();
  const info = useAppInfo();
  const connection = useConnectionState();
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [filter, setFilter] = useState('');
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const search = useRef<HTMLInputElement>(null);
  /** The server of the active tab, for shortcuts handled outside React's render. */
  const activeServer = useRef<string | null>(null);
  const terminalSeq = useRef(0);
  const toasts = useToasts();
  useHealthFeed((change) => {
    toasts.push(change);
    notifyDesktop(change);
  });
  const health = useHealthByServer();
  const attention = useAttentionCount();
  const supportMode = useSupportMode();

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('hostdeck.theme', theme);
  }, [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.shiftKey && e.key.toLowerCase() === 't') {
        e.preventDefault();
        if (activeServer.current) openTerminal(activeServer.current);
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
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
  activeServer.current = selectedId;

  /** Opens a tab, or shows it if one with the same id is open. */
  function openTab(tab: Tab) {
    // An open tab takes the new one's target (e.g. the site a link points at).
    setTabs((all) => (all.some((t) => t.id === tab.id) ? all.map((t) => (t.id === tab.id ? tab : t)) : [...all, tab]));
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
  const openHealth = () => openTab({ id: 'health', kind: 'health', serverId: null });
  const openDns = () => openTab({ id: 'dns', kind: 'dns', serverId: null });

  /** A new terminal tab on the server, numbered after the server's open terminals. */
  function openTerminal(serverId: string) {
    const id = `terminal:${serverId}:${(terminalSeq.current += 1)}`;
    setTabs((all) => {
      const n = Math.max(0, ...all.map((t) => (t.kind === 'terminal' && t.serverId === serverId ? t.n : 0))) + 1;
      return [...all, { id, kind: 'terminal', serverId, n }];
    });
    setActiveId(id);
    setMode({ kind: 'view' });
  }

  const ctx: TabContext = {
    servers: list,
    onEdit: (id) => setMode({ kind: 'edit', id }),
    onRemoved: (id) => setTabs((all) => all.filter((t) => t.serverId !== id)),
    onOpenServer: (id) => openServer(id),
    onTerminal: openTerminal,
    onOpenTab: openTab,
  };

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">Hostdeck</div>
        <input
          ref={search}
          className="search"
          type="search"
          placeholder={t('Search servers, tags, roles…  (Ctrl+K)')}
          aria-label={t('Search')}
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
        <button className="ghost" onClick={() => openTab({ id: 'settings', kind: 'settings', serverId: null })} aria-label={t('Settings')} title={t('Settings')}>
          ⚙
        </button>
        <button className="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={t('Toggle theme')} title={t('Toggle light/dark theme')}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>

      <aside className="sidebar">
        <div className="sidebar-actions">
          <button className="primary" onClick={() => setMode({ kind: 'add' })} title={t('Add server (Ctrl+N)')}>{t('+ Add server')}</button>
          <button onClick={() => setMode({ kind: 'import' })}>{t('Import ~/.ssh/config')}</button>
          <button className="health-button" onClick={openHealth} aria-label={attention ? t('Fleet health, {{count}} need attention', { count: attention }) : t('Fleet health')}>
            {t('Fleet health')}
            {attention > 0 && <span className="badge" title={t('{{count}} servers warn or down', { count: attention })}>{attention}</span>}
          </button>
          <button className="dns-button" onClick={openDns}>{t('DNS zones')}</button>
          <button className="fleet-map-button" onClick={() => openTab({ id: 'fleet-map', kind: 'fleet-map', serverId: null })}>{t('Fleet map')}</button>
          <button className="drift-button" onClick={() => openTab(DRIFT_FLEET_TAB)} title={t("Where servers no longer match Hostdeck's records")}>{t('Drift')}</button>
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
          <div className="tabstrip" role="tablist" aria-label={t('Open tabs')}>
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
                  <TabLabel tab={tab} servers={list} />
                </button>
                <button className="close" aria-label={t('Close {{title}}', { title: tabTitle(tab, list) })} onClick={() => closeTab(tab.id)}>
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
              <p className="muted">{t('Loading the inventory…')}</p>
            ) : list.length === 0 ? (
              <>
                <h2>{t('Your fleet is empty')}</h2>
                <p className="muted">{t('Add a hosting server (address, SSH user and key), or import the hosts you already have in ~/.ssh/config.')}</p>
                <div className="actions">
                  <button className="primary" onClick={() => setMode({ kind: 'add' })}>{t('+ Add server')}</button>
                  <button onClick={() => setMode({ kind: 'import' })}>{t('Import ~/.ssh/config')}</button>
                </div>
              </>
            ) : (
              <p className="muted">{t('Select a server on the left, or press Ctrl+K to find one.')}</p>
            )}
          </div>
        )}
      </main>

      <PromptDialog />
      <Toasts toasts={toasts.toasts} onDismiss={toasts.dismiss} onOpen={openHealth} />
      <footer className="statusbar">
        <span className={`conn conn-${connection}`}>{t('core: {{state}}', { state: t(connectionLabel[connection]) })}</span>
        <span>{t('{{count, number}} servers', { count: list.length })}</span>
        {list.length > 0 && (
          <button className={`link-plain health-status ${attention ? 'warn' : ''}`} onClick={openHealth}>
            {attention ? t('{{count}} need attention', { count: attention }) : t('no health alerts')}
          </button>
        )}
        {info.data && (
          <span title={info.data.keychainNote ?? undefined} className={info.data.keychain === 'memory' ? 'warn' : ''}>
            {t('secrets: {{where}}', { where: info.data.keychain === 'os' ? t('OS keychain') : t('memory only (no keychain)') })}
          </span>
        )}
        {supportMode && (
          <button className="link-plain support-mode-indicator" onClick={() => openTab({ id: 'settings', kind: 'settings', serverId: null })} title={t('Support mode: every database session is read-only. Turn it off in Settings.')}>
            {t('SUPPORT MODE · read-only')}
          </button>
        )}
        <button className="link-plain" onClick={() => openTab({ id: 'audit', kind: 'audit', serverId: null })}>{t('audit log')}</button>
        <span className="spacer" />
        {info.data && <span className="muted">{t('v{{version}}', { version: info.data.version })}</span>}
      </footer>
    </div>
  );
}
