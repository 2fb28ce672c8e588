// The centre's tabs. Every open tab stays mounted (hidden when not active), so a terminal or a
// long result survives switching. Each feature adds its kind here and renders it in TabBody.
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { Server } from '../shared/domain';
import { i18n } from './i18n';
import { ServerView } from './components/ServerView';
import { HealthView } from './health/HealthView';
import { SettingsView } from './components/SettingsView';
import { TeamSettings } from './team/TeamSettings';
import { TeamAdmin } from './team/TeamAdmin';
import { useTerminalState } from './terminal/status';
import { TerminalTab } from './terminal/TerminalTab';
import { AuditTab } from './audit/AuditTab';
import { DbAdminTab } from './db-admin/DbAdminTab';
import { DbTab } from './db/DbTab';
import { TableTab } from './db/TableTab';
import { SqlTab } from './sql/SqlTab';
import { QueueTab } from './queue/QueueTab';
import { SitesTab } from './hosting/SitesTab';
import { DnsTab } from './dns/DnsTab';
import { ServerLogsTab } from './logs/ServerLogsTab';
import { FilesTab } from './files/FilesTab';

// The map brings its graph libraries: loaded when its tab first opens.
const FleetMapTab = lazy(() => import('./fleet-map/FleetMapTab').then((m) => ({ default: m.FleetMapTab })));
import { DriftTab } from './drift/DriftTab';
import { DriftFleet } from './drift/DriftFleet';

export type Tab =
  | { id: string; kind: 'server'; serverId: string }
  /** n: the terminal's number among this server's terminals (for its title). */
  | { id: string; kind: 'terminal'; serverId: string; n: number }
  | { id: 'health'; kind: 'health'; serverId: null }
  /** Every server, site, zone and route drawn as one map. */
  | { id: 'fleet-map'; kind: 'fleet-map'; serverId: null }
  | { id: 'settings'; kind: 'settings'; serverId: null }
  /** A server's databases: access settings, the tree, search. */
  | { id: string; kind: 'db'; serverId: string }
  | { id: string; kind: 'table'; serverId: string; database: string; table: string }
  | { id: string; kind: 'sql'; serverId: string; database: string | null }
  /** A server's MySQL process list, status, variables, users. */
  | { id: string; kind: 'db-admin'; serverId: string }
  | { id: 'audit'; kind: 'audit'; serverId: null }
  /** A server's task queue. */
  | { id: string; kind: 'queue'; serverId: string }
  /** A server's sites (hosting accounts). */
  | { id: string; kind: 'sites'; serverId: string; site?: string }
  /** A site's files (browsed as the site's own user). */
  | { id: string; kind: 'files'; serverId: string; site: string }
  /** A server's own logs, live. */
  | { id: string; kind: 'logs'; serverId: string }
  /** DNS: every zone, its records, plans and pushes to the nameservers. */
  | { id: 'dns'; kind: 'dns'; serverId: null; zone?: string }
  /** A server's drift from Hostdeck's records, and the fleet's. */
  | { id: string; kind: 'drift'; serverId: string }
  | { id: 'drift-fleet'; kind: 'drift-fleet'; serverId: null };

export type TabContext = {
  servers: Server[];
  onEdit: (serverId: string) => void;
  onRemoved: (serverId: string) => void;
  onOpenServer: (serverId: string) => void;
  onTerminal: (serverId: string) => void;
  /** Opens (or shows) any tab; ids are stable per target, e.g. `table:<server>:<db>:<table>`. */
  onOpenTab: (tab: Tab) => void;
};

export const driftTab = (serverId: string): Tab => ({ id: `drift:${serverId}`, kind: 'drift', serverId });
export const DRIFT_FLEET_TAB: Tab = { id: 'drift-fleet', kind: 'drift-fleet', serverId: null };

/** In the current language (callers re-render on a switch: they use useTranslation). */
export function tabTitle(tab: Tab, servers: Server[]): string {
  const { t } = i18n;
  if (tab.kind === 'health') return t('Fleet health');
  if (tab.kind === 'fleet-map') return t('Fleet map');
  if (tab.kind === 'settings') return t('Settings');
  if (tab.kind === 'audit') return t('Audit log');
  if (tab.kind === 'dns') return 'DNS';
  if (tab.kind === 'drift-fleet') return t('Drift');
  const server = servers.find((s) => s.id === tab.serverId);
  const name = server?.name ?? t('removed server');
  if (tab.kind === 'db') return `${name} · ${t('databases')}`;
  if (tab.kind === 'table') return `${tab.database}.${tab.table} · ${name}`;
  if (tab.kind === 'sql') return `${name} · SQL${tab.database ? ` · ${tab.database}` : ''}`;
  if (tab.kind === 'db-admin') return `${name} · ${t('MySQL server')}`;
  if (tab.kind === 'queue') return `${name} · ${t('queue')}`;
  if (tab.kind === 'sites') return `${name} · ${t('sites')}`;
  if (tab.kind === 'logs') return `${name} · ${t('logs')}`;
  if (tab.kind === 'drift') return `${name} · ${t('drift')}`;
  if (tab.kind === 'files') return `${tab.site} · ${t('files')} · ${name}`;
  return tab.kind === 'terminal' ? `${name} · ${t('terminal {{n}}', { n: tab.n })}` : name;
}

/** The tab strip's label: the title, and for a terminal a light for its connection state. */
export function TabLabel({ tab, servers }: { tab: Tab; servers: Server[] }) {
  useTranslation();
  if (tab.kind !== 'terminal') return <>{tabTitle(tab, servers)}</>;
  return <TerminalLabel tab={tab} title={tabTitle(tab, servers)} />;
}

function TerminalLabel({ tab, title }: { tab: Tab; title: string }) {
  const { t } = useTranslation();
  const state = useTerminalState(tab.id);
  return (
    <>
      <span className={`term-light term-${state}`} title={t('Terminal {{state}}', { state })} aria-hidden="true" />
      {title}
    </>
  );
}

export function TabBody({ tab, ctx }: { tab: Tab; ctx: TabContext }) {
  if (tab.kind === 'health') return <HealthView servers={ctx.servers} onOpenServer={ctx.onOpenServer} />;
  if (tab.kind === 'settings') {
    return (
      <div className="settings-stack">
        <SettingsView />
        <TeamSettings />
        <TeamAdmin />
      </div>
    );
  }
  if (tab.kind === 'fleet-map') return <Suspense fallback={<p className="muted">{i18n.t('Loading the map…')}</p>}><FleetMapTab onOpenServer={ctx.onOpenServer} onOpenTab={ctx.onOpenTab} /></Suspense>;
  if (tab.kind === 'audit') return <AuditTab servers={ctx.servers} />;
  if (tab.kind === 'dns') return <DnsTab servers={ctx.servers} zone={tab.zone} />;
  if (tab.kind === 'drift-fleet') return <DriftFleet servers={ctx.servers} onOpenServer={(serverId) => ctx.onOpenTab(driftTab(serverId))} />;
  const server = ctx.servers.find((s) => s.id === tab.serverId);
  if (!server) return <p className="muted">{i18n.t('This server is no longer in the inventory.')}</p>;
  if (tab.kind === 'terminal') return <TerminalTab tabId={tab.id} server={server} />;
  if (tab.kind === 'db-admin') return <DbAdminTab server={server} />;
  if (tab.kind === 'db') return <DbTab server={server} servers={ctx.servers} onOpenTab={ctx.onOpenTab} />;
  if (tab.kind === 'table') return <TableTab server={server} database={tab.database} table={tab.table} />;
  if (tab.kind === 'sql') return <SqlTab server={server} database={tab.database} />;
  if (tab.kind === 'queue') return <QueueTab server={server} />;
  if (tab.kind === 'sites') return <SitesTab server={server} site={tab.site} onOpenTab={ctx.onOpenTab} />;
  if (tab.kind === 'logs') return <ServerLogsTab server={server} />;
  if (tab.kind === 'files') return <FilesTab server={server} site={tab.site} />;
  if (tab.kind === 'drift') return <DriftTab server={server} servers={ctx.servers} onFleet={() => ctx.onOpenTab(DRIFT_FLEET_TAB)} />;
  return (
    <ServerView
      server={server}
      onEdit={() => ctx.onEdit(server.id)}
      onRemoved={() => ctx.onRemoved(server.id)}
      onTerminal={() => ctx.onTerminal(server.id)}
      onDatabases={() => ctx.onOpenTab({ id: `db:${server.id}`, kind: 'db', serverId: server.id })}
      onQueue={() => ctx.onOpenTab({ id: `queue:${server.id}`, kind: 'queue', serverId: server.id })}
      onSites={() => ctx.onOpenTab({ id: `sites:${server.id}`, kind: 'sites', serverId: server.id })}
      onLogs={() => ctx.onOpenTab({ id: `logs:${server.id}`, kind: 'logs', serverId: server.id })}
      onDrift={() => ctx.onOpenTab(driftTab(server.id))}
    />
  );
}
