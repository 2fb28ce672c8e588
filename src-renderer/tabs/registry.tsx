// Every kind of tab with its title and its body, one entry per kind. The record is typed by the
// kinds of `Tab` (tabs/tab.ts), so a kind without an entry does not compile: a new feature adds
// its kind there, its entry here and its own component; nothing else changes. Only this file
// imports the features' tabs; they import their types from tabs/tab.ts.
import { lazy, Suspense, type ReactNode } from 'react';
import type { Server } from '../../shared/domain';
import { i18n } from '../i18n';
import { AuditTab } from '../audit/AuditTab';
import { ServerView } from '../components/ServerView';
import { SettingsView } from '../components/SettingsView';
import { DbAdminTab } from '../db-admin/DbAdminTab';
import { DbTab } from '../db/DbTab';
import { TableTab } from '../db/TableTab';
import { DnsTab } from '../dns/DnsTab';
import { DriftFleet } from '../drift/DriftFleet';
import { DriftTab } from '../drift/DriftTab';
import { FilesTab } from '../files/FilesTab';
import { HealthView } from '../health/HealthView';
import { SitesTab } from '../hosting/SitesTab';
import { ServerLogsTab } from '../logs/ServerLogsTab';
import { QueueTab } from '../queue/QueueTab';
import { SqlTab } from '../sql/SqlTab';
import { TeamAdmin } from '../team/TeamAdmin';
import { TeamSettings } from '../team/TeamSettings';
import { TerminalTab } from '../terminal/TerminalTab';
import { DRIFT_FLEET_TAB, driftTab, type Tab, type TabContext } from './tab';

// The map brings its graph libraries: loaded when its tab first opens.
const FleetMapTab = lazy(() => import('../fleet-map/FleetMapTab').then((m) => ({ default: m.FleetMapTab })));

type Of<K extends Tab['kind']> = Extract<Tab, { kind: K }>;

/** A server's tab gets its server (and its name for the title); a fleet-wide tab does not. */
export type TabKind<K extends Tab['kind']> = Of<K>['serverId'] extends string
  ? { title(tab: Of<K>, serverName: string): string; body(tab: Of<K>, ctx: TabContext, server: Server): ReactNode }
  : { title(tab: Of<K>): string; body(tab: Of<K>, ctx: TabContext): ReactNode };

const t = i18n.t.bind(i18n);

export const TAB_KINDS: { [K in Tab['kind']]: TabKind<K> } = {
  health: {
    title: () => t('Fleet health'),
    body: (_tab, ctx) => <HealthView servers={ctx.servers} onOpenServer={ctx.onOpenServer} />,
  },
  'fleet-map': {
    title: () => t('Fleet map'),
    body: (_tab, ctx) => (
      <Suspense fallback={<p className="muted">{t('Loading the map…')}</p>}>
        <FleetMapTab onOpenServer={ctx.onOpenServer} onOpenTab={ctx.onOpenTab} />
      </Suspense>
    ),
  },
  settings: {
    title: () => t('Settings'),
    body: () => (
      <div className="settings-stack">
        <SettingsView />
        <TeamSettings />
        <TeamAdmin />
      </div>
    ),
  },
  audit: { title: () => t('Audit log'), body: (_tab, ctx) => <AuditTab servers={ctx.servers} /> },
  dns: { title: () => 'DNS', body: (tab, ctx) => <DnsTab servers={ctx.servers} zone={tab.zone} /> },
  'drift-fleet': {
    title: () => t('Drift'),
    body: (_tab, ctx) => <DriftFleet servers={ctx.servers} onOpenServer={(serverId) => ctx.onOpenTab(driftTab(serverId))} />,
  },
  server: {
    title: (_tab, name) => name,
    body: (_tab, ctx, server) => (
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
    ),
  },
  terminal: {
    title: (tab, name) => `${name} · ${t('terminal {{n}}', { n: tab.n })}`,
    body: (tab, _ctx, server) => <TerminalTab tabId={tab.id} server={server} />,
  },
  db: {
    title: (_tab, name) => `${name} · ${t('databases')}`,
    body: (_tab, ctx, server) => <DbTab server={server} servers={ctx.servers} onOpenTab={ctx.onOpenTab} />,
  },
  table: {
    title: (tab, name) => `${tab.database}.${tab.table} · ${name}`,
    body: (tab, _ctx, server) => <TableTab server={server} database={tab.database} table={tab.table} />,
  },
  sql: {
    title: (tab, name) => `${name} · SQL${tab.database ? ` · ${tab.database}` : ''}`,
    body: (tab, _ctx, server) => <SqlTab server={server} database={tab.database} />,
  },
  'db-admin': { title: (_tab, name) => `${name} · ${t('MySQL server')}`, body: (_tab, _ctx, server) => <DbAdminTab server={server} /> },
  queue: { title: (_tab, name) => `${name} · ${t('queue')}`, body: (_tab, _ctx, server) => <QueueTab server={server} /> },
  sites: {
    title: (_tab, name) => `${name} · ${t('sites')}`,
    body: (tab, ctx, server) => <SitesTab server={server} site={tab.site} onOpenTab={ctx.onOpenTab} />,
  },
  files: { title: (tab, name) => `${tab.site} · ${t('files')} · ${name}`, body: (tab, _ctx, server) => <FilesTab server={server} site={tab.site} /> },
  logs: { title: (_tab, name) => `${name} · ${t('logs')}`, body: (_tab, _ctx, server) => <ServerLogsTab server={server} /> },
  drift: {
    title: (_tab, name) => `${name} · ${t('drift')}`,
    body: (_tab, ctx, server) => <DriftTab server={server} servers={ctx.servers} onFleet={() => ctx.onOpenTab(DRIFT_FLEET_TAB)} />,
  },
};
