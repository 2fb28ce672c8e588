// A server's drift: the last check (when, how much was compared), "Check now", and each
// difference with its two sides and its answers (previewed in DriftActionDialog).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DriftAction, DriftItem } from '../../shared/api/drift';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { ErrorNote } from '../components/ErrorNote';
import { formatDuration, formatTime } from '../i18n/format';
import { DriftActionDialog } from './DriftActionDialog';
import { DriftItemCard } from './DriftItemCard';
import { useQueue } from '../queue/hooks';
import { useDriftCheck, useDriftReports } from './hooks';
import './drift.css';

export function DriftTab({ server, servers, onFleet }: { server: Server; servers: Server[]; onFleet: () => void }) {
  const { t } = useTranslation();
  const report = useDriftReports()[server.id];
  const check = useDriftCheck();
  const [open, setOpen] = useState<{ item: DriftItem; action: DriftAction } | null>(null);
  const items = report?.items ?? [];
  const queue = useQueue(server.id).data;
  const waiting = queue?.tasks.filter((t) => t.status === 'pending' || t.status === 'running' || t.status === 'failed').length ?? 0;
  return (
    <section className="panel drift-view" aria-label={t('Drift of {{server}}', { server: server.name })}>
      <div className="drift-head">
        <h2>{t('Drift: {{server}}', { server: server.name })}</h2>
        <div className="actions">
          <button className="primary" onClick={() => check.mutate(server.id)} disabled={check.isPending}>{check.isPending ? t('Checking…') : t('Check drift')}</button>
          <button onClick={onFleet}>{t('Whole fleet')}</button>
        </div>
      </div>
      <p className="muted">
        {t("Hostdeck's records of this server (sites, FTP logins, databases, server blocks, PHP pools, certificates, cron files, zones) against what the server has, read in one command that changes nothing.")}
      </p>
      {check.error && <ErrorNote error={check.error instanceof AppError ? check.error : new AppError('internal', t('The check failed.'))} />}
      {report?.error && <div className="note note-error" role="alert">{report.error}</div>}
      {waiting > 0 && <div className="note note-warn">{queue?.stopped ? t("{{count, number}} tasks are waiting in this server's queue (stopped on a failure): some differences may be what they are about to change.", { count: waiting }) : t("{{count, number}} tasks are waiting in this server's queue: some differences may be what they are about to change.", { count: waiting })}</div>}
      {!report?.checkedAt ? (
        <p className="muted">{t('Not checked yet.')}</p>
      ) : (
        <p className={items.length ? 'drift-summary drift-summary-bad' : report.answered ? 'drift-summary' : 'drift-summary drift-summary-ok'} role="status">
          {items.length === 0 ? (report.answered ? t('Every difference answered') : t('No drift: the server matches the records')) : t('{{count, number}} differences', { count: items.length })} — {t('{{count, number}} things compared, checked {{time}} in {{duration}}.', { count: report.compared, time: formatTime(report.checkedAt), duration: formatDuration(report.ms ?? 0) })}
          {report.answered > 0 && <span className="muted"> {t('{{count, number}} answered since (fixes run in the queue): check again to confirm.', { count: report.answered })}</span>}
        </p>
      )}
      <ul className="drift-items">
        {items.map((item) => <DriftItemCard key={item.id} item={item} onAction={(action) => setOpen({ item, action })} />)}
      </ul>
      {open && <DriftActionDialog server={server} servers={servers} item={open.item} action={open.action} onClose={() => setOpen(null)} />}
    </section>
  );
}
