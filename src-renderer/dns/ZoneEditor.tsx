// One zone: its plan against the last push with "Push zone" (a confirmation first where the plan
// needs one), the record table (filter, edit in place, delete) and the form adding a record.
import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DnsRecord } from '../../shared/dns';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { asError, useAction } from './common';
import { DeleteZone } from './DeleteZone';
import { PlanView } from './PlanView';
import { RecordForm } from './RecordForm';

const SHOWN = 500;

function keyOf(r: DnsRecord): string {
  return `${r.name} ${r.type} ${r.value}`;
}

export function ZoneEditor({ zone, onPushed, onDeleted }: { zone: string; onPushed: (message: string, serials: Record<string, number>) => void; onDeleted: (message: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ['dns.zone', zone], queryFn: () => client.call('dns.zone', { zone }) });
  // The record being edited, as it was when its form opened (another workstation may change or remove it meanwhile).
  const [editing, setEditing] = useState<DnsRecord | null>(null);
  const [filter, setFilter] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const push = useAction();
  const del = useAction();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['dns.zone', zone] });
    void queryClient.invalidateQueries({ queryKey: ['dns.zones'] });
  };

  if (q.error) return <ErrorNote error={asError(q.error)} />;
  if (!q.data) return <p className="muted">{t('Loading {{zone}}…', { zone })}</p>;
  const { zone: z, plan } = q.data;
  const needle = filter.trim().toLowerCase();
  const records = needle ? z.records.filter((r) => keyOf(r).toLowerCase().includes(needle)) : z.records;
  const needsConfirm = plan.confirmReasons.length > 0;

  const doPush = () =>
    push.run(async () => {
      const r = await client.call('dns.push', { zones: [zone], ...(needsConfirm ? { confirm: [zone] } : {}) });
      setConfirmed(false);
      refresh();
      onPushed(t('{{zone}}: serial {{serial}} queued on {{count, number}} nameservers; each is done when it answers that serial.', { zone, serial: r.serials[zone], count: r.tasks.length }), r.serials);
    });

  return (
    <section className="dns-zone panel" aria-label={t('Zone {{zone}}', { zone })}>
      <header className="dns-zone-head">
        <h3>{zone}</h3>
        <span className="muted">{t('{{count, number}} records', { count: z.records.length })} · {t('default TTL {{ttl}} s', { ttl: z.ttl })} · SOA {z.soa.primary} {z.soa.email}</span>
        <span className="dns-zone-delete">
          <DeleteZone zone={zone} onDeleted={(message) => { refresh(); onDeleted(message); }} />
        </span>
      </header>
      <div className="dns-plan-box">
        <h4>{t('Plan')}</h4>
        <PlanView plan={plan} />
        {needsConfirm && (
          <label className="check dns-confirm">
            <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> {t('I confirm this push of {{zone}}', { zone })}
          </label>
        )}
        <div className="actions">
          <button className="primary" onClick={() => void doPush()} disabled={push.busy || (needsConfirm && !confirmed)}>
            {t('Push zone')}
          </button>
          <span className="muted">{plan.hasChanges ? t('Renders the zone with a new serial and pushes it to every nameserver.') : t('Nothing changed; pushing again re-sends it with a new serial.')}</span>
        </div>
        {push.error && <ErrorNote error={push.error} />}
      </div>
      <RecordForm zone={zone} defaultTtl={z.ttl} onSaved={refresh} />
      <div className="dns-records-tools">
        <input className="dns-filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder={t('Filter records')} aria-label={t('Filter records')} />
        {records.length > SHOWN && <span className="muted">{t('showing {{shown}} of {{total}}; filter to find the others', { shown: SHOWN, total: records.length })}</span>}
      </div>
      {del.error && <ErrorNote error={del.error} />}
      <table className="table dns-records">
        <thead>
          <tr><th>{t('Name')}</th><th>{t('Type')}</th><th className="num">TTL</th><th>{t('Value')}</th><th aria-label={t('Actions')} /></tr>
        </thead>
        <tbody>
          {/* Changed elsewhere while being edited: its form stays (first), to save over theirs or take theirs. */}
          {[...(editing && !records.some((r) => keyOf(r) === keyOf(editing)) ? [editing] : []), ...records.slice(0, SHOWN)].map((r) =>
            editing && keyOf(editing) === keyOf(r) ? (
              <tr key={keyOf(r)} className="dns-edit-row">
                <td colSpan={5}>
                  <RecordForm zone={zone} defaultTtl={z.ttl} old={editing} version={q.data.version} onSaved={() => { setEditing(null); refresh(); }} onCancel={() => setEditing(null)} />
                </td>
              </tr>
            ) : (
              <tr key={keyOf(r)} data-record={`${r.name} ${r.type}`}>
                <td className="mono">{r.name}</td>
                <td><span className="dns-type">{r.type}</span></td>
                <td className="num">{r.ttl}</td>
                <td className="mono dns-value">{r.value}</td>
                <td className="dns-row-actions">
                  <button className="link" onClick={() => setEditing(r)} aria-label={t('Edit {{type}} record {{name}}', { type: r.type, name: r.name })}>{t('Edit')}</button>
                  <button className="link danger" onClick={() => void del.run(async () => { await client.call('dns.deleteRecord', { zone, record: r }); refresh(); })} aria-label={t('Delete {{type}} record {{name}}', { type: r.type, name: r.name })}>{t('Delete')}</button>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </section>
  );
}
