// The DNS tab: every zone with each nameserver's status (serial served, in sync / stale /
// unreachable; refreshed on demand, after each health check, and every second while a push is
// under way), "Push all changed" with the plans of those zones (confirmations where needed), and
// the selected zone's editor. New zone, import and the nameservers' settings sit in the toolbar.
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { asError, useAction } from './common';
import { NsStatusPill } from './NsStatusPill';
import { PlanView } from './PlanView';
import { ImportForm, NewZoneForm, NsSettingsForm, SiteRecordsForm } from './ZoneForms';
import { ZoneEditor } from './ZoneEditor';

/** How long the status is asked every second after a push at most (a failed task stops it sooner or later). */
const WATCH_MS = 60_000;

type Panel = 'none' | 'new' | 'import' | 'site' | 'settings' | 'push-all';

export function DnsTab({ servers, zone }: { servers: Server[]; zone?: string | undefined }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  /** The serials a push waits for: while set, every nameserver is asked every second. */
  const [watching, setWatching] = useState<Record<string, number> | null>(null);
  const zones = useQuery({
    queryKey: ['dns.zones'],
    queryFn: () => client.call('dns.zones', { refresh: watching !== null }),
    refetchInterval: watching ? 1000 : 15_000,
  });
  const [selected, setSelected] = useState<string | null>(null);
  // Opened for one zone (from the fleet map): its editor shows.
  useEffect(() => {
    if (zone) setSelected(zone);
  }, [zone]);
  const [panel, setPanel] = useState<Panel>('none');
  const [note, setNote] = useState<string | null>(null);
  const refreshNow = useAction();
  const list = zones.data?.zones ?? [];
  const nameservers = zones.data?.nameservers ?? [];
  const changed = list.filter((z) => z.changed);

  // After a push the status is asked every second until every nameserver answers the new serials
  // or cannot be reached (a failed task says why on its queue), for WATCH_MS at most.
  useEffect(() => client.on('queue.changed', ({ task }) => {
    if (task.kind === 'dns.push') void queryClient.invalidateQueries({ queryKey: ['dns.zones'] });
  }), [queryClient]);
  useEffect(() => {
    if (!watching || !zones.data) return;
    const settled = Object.entries(watching).every(([name, serial]) => {
      const z = zones.data.zones.find((x) => x.name === name);
      return !z || z.nameservers.every((n) => n.serial === serial || n.state === 'unreachable');
    });
    if (settled) setWatching(null);
  }, [watching, zones.data]);
  useEffect(() => {
    if (!watching) return;
    const timer = setTimeout(() => setWatching(null), WATCH_MS);
    return () => clearTimeout(timer);
  }, [watching]);

  const done = (zone: string | null, message: string) => {
    setNote(message);
    setPanel('none');
    if (zone) setSelected(zone);
    void queryClient.invalidateQueries({ queryKey: ['dns.zones'] });
  };
  const pushed = (message: string, serials: Record<string, number>) => {
    setNote(message);
    setWatching(serials);
    void queryClient.invalidateQueries({ queryKey: ['dns.zones'] });
  };
  const deleted = (message: string) => {
    setNote(message);
    void queryClient.invalidateQueries({ queryKey: ['dns.zones'] });
  };
  const toggle = (p: Panel) => setPanel(panel === p ? 'none' : p);

  return (
    <section className="dns-view" aria-label={t('DNS zones')}>
      <header className="queue-head dns-head">
        <h2>DNS</h2>
        <span className="spacer" />
        <button onClick={() => void refreshNow.run(async () => void (await queryClient.fetchQuery({ queryKey: ['dns.zones'], queryFn: () => client.call('dns.zones', { refresh: true }) })))} disabled={refreshNow.busy}>
          {refreshNow.busy ? t('Asking…') : t('Refresh status')}
        </button>
        <button onClick={() => toggle('new')} aria-expanded={panel === 'new'}>{t('New zone')}</button>
        <button onClick={() => toggle('import')} aria-expanded={panel === 'import'} disabled={nameservers.length === 0}>{t('Import…')}</button>
        <button onClick={() => toggle('site')} aria-expanded={panel === 'site'} disabled={list.length === 0}>{t('Site records…')}</button>
        <button onClick={() => toggle('settings')} aria-expanded={panel === 'settings'} disabled={nameservers.length === 0}>{t('Nameservers…')}</button>
        <button className="primary" onClick={() => toggle('push-all')} aria-expanded={panel === 'push-all'} disabled={changed.length === 0 || nameservers.length === 0}>
          {t('Push all changed ({{n}})', { n: changed.length })}
        </button>
      </header>
      <p className="muted dns-summary">
        {t('{{count, number}} zones', { count: list.length })} ·{' '}
        {nameservers.length
          ? t('nameservers {{list}}', { list: nameservers.map((n) => `${n.name} (${n.queryAt})`).join(', ') })
          : t('no server has the ns role yet: give your nameservers the ns role in the inventory')}
      </p>
      {note && <div className="note" role="status">{note}</div>}
      {zones.error && <ErrorNote error={asError(zones.error)} />}
      {refreshNow.error && <ErrorNote error={refreshNow.error} />}
      {panel === 'new' && <NewZoneForm onDone={done} />}
      {panel === 'import' && <ImportForm nameservers={nameservers} onDone={done} />}
      {panel === 'site' && <SiteRecordsForm servers={servers} onDone={done} />}
      {panel === 'settings' && (
        <div className="panel dns-settings-panel">
          <h3>{t('Nameservers')}</h3>
          <p className="muted">{t('Servers with the ns role. Each push uploads the zone file over SFTP, checks it, reloads named with rndc and asks the nameserver over DNS until it answers the new serial.')}</p>
          {nameservers.map((ns) => <NsSettingsForm key={ns.serverId} ns={ns} onSaved={() => done(null, t('Settings of {{name}} saved.', { name: ns.name }))} />)}
        </div>
      )}
      {panel === 'push-all' && <PushAll zones={changed.map((z) => z.name)} onPushed={(m, serials) => { setPanel('none'); pushed(m, serials); }} />}

      {list.length === 0 && zones.data && <p className="muted">{t('No zones yet: create one, or import one a nameserver serves.')}</p>}
      {list.length > 0 && (
        <table className="table dns-zones">
          <thead>
            <tr>
              <th>{t('Zone')}</th><th className="num">{t('Records')}</th><th className="num">{t('Pushed serial')}</th><th>{t('Changes')}</th>
              {nameservers.map((n) => <th key={n.serverId}>{n.name}</th>)}
            </tr>
          </thead>
          <tbody>
            {list.map((z) => (
              <tr key={z.name} className={`dns-zone-row ${selected === z.name ? 'selected' : ''}`} data-zone={z.name}>
                <td>
                  <button className="link-plain dns-zone-open" onClick={() => setSelected(selected === z.name ? null : z.name)} aria-expanded={selected === z.name}>
                    <strong>{z.name}</strong>
                  </button>
                </td>
                <td className="num">{z.records}</td>
                <td className="num">{z.serial ?? <span className="muted">{t('never')}</span>}</td>
                <td>{z.changed ? <span className="dns-changed">{t('not pushed')}</span> : <span className="muted">—</span>}</td>
                {z.nameservers.map((s) => <td key={s.serverId}><NsStatusPill status={s} /></td>)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && list.some((z) => z.name === selected) && <ZoneEditor key={selected} zone={selected} onPushed={pushed} onDeleted={deleted} />}
    </section>
  );
}

function PushAll({ zones, onPushed }: { zones: string[]; onPushed: (message: string, serials: Record<string, number>) => void }) {
  const { t } = useTranslation();
  const plans = useQuery({ queryKey: ['dns.plan', zones], queryFn: () => client.call('dns.plan', { zones }) });
  const [confirmed, setConfirmed] = useState<Set<string>>(new Set());
  const action = useAction();
  const list = plans.data?.plans ?? [];
  const missing = list.filter((p) => p.confirmReasons.length > 0 && !confirmed.has(p.zone));
  const push = () =>
    action.run(async () => {
      const r = await client.call('dns.push', { zones, confirm: [...confirmed] });
      const queued = t('{{count, number}} zones queued', { count: Object.keys(r.serials).length });
      onPushed(t('{{queued}} on {{count, number}} nameservers; each is done when it answers the new serials.', { queued, count: r.tasks.length }), r.serials);
    });
  return (
    <div className="panel dns-push-all" aria-label={t('Push all changed zones')}>
      <h3>{t('Push {{count, number}} changed zones', { count: zones.length })}</h3>
      {plans.error && <ErrorNote error={asError(plans.error)} />}
      {list.map((p) => (
        <div key={p.zone} className="dns-push-zone">
          <h4>{p.zone}</h4>
          <PlanView plan={p} />
          {p.confirmReasons.length > 0 && (
            <label className="check dns-confirm">
              <input type="checkbox" checked={confirmed.has(p.zone)} onChange={(e) => setConfirmed((s) => { const n = new Set(s); if (e.target.checked) n.add(p.zone); else n.delete(p.zone); return n; })} /> {t('I confirm this push of {{zone}}', { zone: p.zone })}
            </label>
          )}
        </div>
      ))}
      {action.error && <ErrorNote error={action.error} />}
      <div className="actions">
        <button className="primary" onClick={() => void push()} disabled={action.busy || !plans.data || missing.length > 0}>{t('Push {{count, number}} zones', { count: zones.length })}</button>
        {missing.length > 0 && <span className="muted">{t('Confirm {{zones}} first.', { zones: missing.map((p) => p.zone).join(', ') })}</span>}
      </div>
    </div>
  );
}
