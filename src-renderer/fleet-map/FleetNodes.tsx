// The fleet map's node kinds: a group (its title, counts per health status, collapse), a
// server (health light, name, address, queue state, its sites) and a DNS zone. Each part that
// leads somewhere is a button; handles are invisible (edges only show routes, nothing is drawn
// by hand).
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { HealthStatus } from '../../shared/api/health';
import { statusLabel } from '../health/notify';
import { healthReason } from '../health/reason-text';
import { msg } from '../i18n';
import { nsHealth, SITES_SHOWN, ZONES_GROUP, type GroupNode, type ServerNode, type ZoneNode } from './graph';

export type Actions = {
  openServer(serverId: string): void;
  openSite(serverId: string, site: string): void;
  openSites(serverId: string): void;
  openQueue(serverId: string): void;
  openZone(zone: string): void;
  toggle(groupId: string): void;
};

type Common = { actions: Actions; dimmed: boolean };
export type GroupData = GroupNode & Common;
export type ServerData = ServerNode & Common;
export type ZoneData = ZoneNode & Common;
export type FleetFlowNode = Node<GroupData, 'fleetGroup'> | Node<ServerData, 'fleetServer'> | Node<ZoneData, 'fleetZone'>;

const ORDER: HealthStatus[] = ['down', 'alert', 'warn', 'unknown', 'ok'];

const NS_STATE: Record<NonNullable<ZoneNode['worst']>, string> = { 'in-sync': msg('in sync'), stale: msg('stale'), missing: msg('missing'), unreachable: msg('unreachable'), unknown: msg('unknown') };

function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} className="fm-handle" isConnectable={false} />
      <Handle type="source" position={Position.Right} className="fm-handle" isConnectable={false} />
    </>
  );
}

/** A group's title in the UI's language, from its id (`group:web+db|tag`; `-` no role, empty: no tag). */
function groupTitle(t: TFunction, id: string): string {
  if (id === ZONES_GROUP) return t('DNS zones');
  const bar = id.indexOf('|');
  const roles = id.slice('group:'.length, bar);
  const tag = id.slice(bar + 1);
  return `${roles === '-' ? t('no role') : roles.split('+').join(' + ')} · ${tag || t('untagged')}`;
}

export function GroupView({ data }: NodeProps<Node<GroupData, 'fleetGroup'>>) {
  const { t } = useTranslation();
  const worst = ORDER.find((s) => data.counts[s] > 0) ?? 'unknown';
  const title = groupTitle(t, data.id);
  return (
    <div className={`fm-group fm-worst-${worst} ${data.collapsed ? 'collapsed' : ''} ${data.match ? 'fm-match' : ''} ${data.dimmed ? 'fm-dim' : ''}`} data-group={data.title}>
      <Handles />
      <div className="fm-group-top">
        <button className="fm-group-head nodrag" onClick={() => data.actions.toggle(data.id)} aria-expanded={!data.collapsed} aria-label={data.collapsed ? t('Expand {{group}}', { group: title }) : t('Collapse {{group}}', { group: title })}>
          <span className="fm-caret" aria-hidden="true">{data.collapsed ? '▸' : '▾'}</span>
          <span className="fm-group-title">{title}</span>
          <span className="fm-group-size">{data.id === ZONES_GROUP ? t('{{count, number}} zones', { count: data.size }) : t('{{count, number}} servers', { count: data.size })}</span>
        </button>
        <div className="fm-counts" aria-label={t('Health of {{group}}', { group: title })}>
          {ORDER.filter((s) => data.counts[s] > 0).map((s) => (
            <span key={s} className={`fm-count status-${s}`} title={`${data.counts[s]} ${t(statusLabel[s])}`}>
              <span className={`light light-${s}`} aria-hidden="true" /> {data.counts[s]}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}

function queueText(t: TFunction, q: NonNullable<ServerNode['queue']>): string {
  const waiting = q.pending ? ` · ${t('{{count, number}} waiting', { count: q.pending })}` : '';
  if (q.failed) return `${t('queue stopped: {{count, number}} failed', { count: q.failed })}${waiting}`;
  if (q.running) return `${t('queue running')}${waiting}`;
  return t('queue: {{count, number}} waiting', { count: q.pending });
}

export function ServerView({ data }: NodeProps<Node<ServerData, 'fleetServer'>>) {
  const { t } = useTranslation();
  const s = data.server;
  const shown = data.sites.slice(0, SITES_SHOWN);
  return (
    <div className={`fm-server fm-status-${s.status} ${data.match ? 'fm-match' : ''} ${data.dimmed ? 'fm-dim' : ''}`} data-server={s.name} title={healthReason(s.reason)}>
      <Handles />
      <button className="fm-server-head nodrag" onClick={() => data.actions.openServer(s.id)} aria-label={t('Open {{server}}', { server: s.name })}>
        <span className={`light light-${s.status}`} aria-hidden="true" />
        <span className="fm-server-name">{s.name}</span>
        <span className={`fm-status status-${s.status}`}>{t(statusLabel[s.status])}</span>
      </button>
      <div className="fm-host mono">{s.host}</div>
      {data.queue && (
        <button className={`fm-queue nodrag ${data.queue.failed ? 'fm-queue-stopped' : data.queue.running ? 'fm-queue-running' : ''}`} onClick={() => data.actions.openQueue(s.id)}>
          {queueText(t, data.queue)}
        </button>
      )}
      {shown.length > 0 && (
        <ul className="fm-sites" aria-label={t('Sites of {{server}}', { server: s.name })}>
          {shown.map((site) => (
            <li key={site.name}>
              <button className="fm-site nodrag" onClick={() => data.actions.openSite(s.id, site.name)} title={site.domains.join(', ') || t('no domain yet')}>
                <span className="fm-site-name">{site.name}</span>
                {site.suspended ? <span className="fm-site-domain">{t('suspended')}</span> : site.domains[0] && <span className="fm-site-domain">{site.domains[0]}</span>}
              </button>
            </li>
          ))}
          {data.sites.length > SITES_SHOWN && (
            <li>
              <button className="fm-site fm-more nodrag" onClick={() => data.actions.openSites(s.id)}>
                + {t('{{count, number}} more sites', { count: data.sites.length - SITES_SHOWN })}
              </button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

export function ZoneView({ data }: NodeProps<Node<ZoneData, 'fleetZone'>>) {
  const { t } = useTranslation();
  const status = nsHealth(data.worst);
  return (
    <div className={`fm-zone fm-status-${status} ${data.match ? 'fm-match' : ''} ${data.dimmed ? 'fm-dim' : ''}`} data-zone={data.name}>
      <Handles />
      <button className="fm-zone-head nodrag" onClick={() => data.actions.openZone(data.name)} title={data.worst ? t('Worst nameserver state: {{state}}', { state: t(NS_STATE[data.worst]) }) : t('No nameserver')}>
        <span className={`light light-${status}`} aria-hidden="true" />
        <span className="fm-zone-name">{data.name}</span>
      </button>
    </div>
  );
}
