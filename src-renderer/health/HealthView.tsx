// The fleet's health (a tab): every server's light, figures and reason, a row opening on its
// details; "Check now"; the history of changes, newest first.
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthStatus } from '../../shared/api/health';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { formatDateTime } from '../i18n/format';
import { diskText, loadText, memoryText, checkedText } from './format';
import { FleetHealthCharts } from './FleetHealthCharts';
import { HealthDetails } from './HealthDetails';
import { HealthThresholds } from './HealthThresholds';
import { useHealth } from './feed';
import { NotificationsButton } from './NotificationsButton';
import { statusLabel } from './notify';
import { healthReason } from './reason-text';

const ORDER: Record<HealthStatus, number> = { down: 0, alert: 1, warn: 2, unknown: 3, ok: 4 };

export function HealthView({ servers, onOpenServer }: { servers: Server[]; onOpenServer: (id: string) => void }) {
  const { t } = useTranslation();
  const health = useHealth();
  const [open, setOpen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const byId = new Map(servers.map((s) => [s.id, s]));
  // Worst first, then by name: what needs a look is at the top.
  const rows = (health.data?.servers ?? [])
    .filter((h) => byId.has(h.serverId))
    .sort((a, b) => ORDER[a.status] - ORDER[b.status] || byId.get(a.serverId)!.name.localeCompare(byId.get(b.serverId)!.name));
  const history = [...(health.data?.history ?? [])].reverse();

  async function checkAll() {
    setBusy(true);
    setError(null);
    try {
      await client.call('health.checkNow', {});
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', t('The check failed.')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel health-view" aria-label={t('Fleet health')}>
      <header className="server-head">
        <div>
          <h2>{t('Fleet health')}</h2>
          <div className="muted">
            {t('Every server is checked on a timer (Settings): SSH, load, memory, disks, and the daemons its roles call for.')}
          </div>
        </div>
        <div className="actions">
          <button className="primary" onClick={checkAll} disabled={busy || rows.length === 0}>{busy ? t('Checking…') : t('Check now')}</button>
          <NotificationsButton />
        </div>
      </header>
      {error && <ErrorNote error={error} />}
      <FleetHealthCharts />
      <HealthThresholds />
      {rows.length === 0 ? (
        <p className="muted">{t('No servers yet.')}</p>
      ) : (
        <table className="table health-table">
          <thead>
            <tr>
              <th>{t('Server')}</th>
              <th>{t('Status')}</th>
              <th>{t('Load')}</th>
              <th>{t('Memory')}</th>
              <th>{t('Fullest disk')}</th>
              <th>{t('Daemons')}</th>
              <th>{t('Last check')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((h) => {
              const server = byId.get(h.serverId)!;
              const expanded = open === h.serverId;
              return (
                <Fragment key={h.serverId}>
                  <tr className={`health-row row-${h.status}`} data-server={server.name}>
                    <td>
                      <button className="link-plain server-toggle" aria-expanded={expanded} onClick={() => setOpen(expanded ? null : h.serverId)}>
                        <span className={`light light-${h.status}`} aria-hidden="true" /> {server.name}
                      </button>
                    </td>
                    <td>
                      <span className={`status-text status-${h.status}`}>{t(statusLabel[h.status])}</span>
                      <div className="muted reason">{healthReason(h.reason)}</div>
                    </td>
                    <td className="mono">{loadText(h)}</td>
                    <td>{memoryText(h)}</td>
                    <td>{diskText(h)}</td>
                    <td>
                      {h.services.filter((s) => s.expected).map((s) => (
                        <span key={s.name} className={`chip ${s.running ? 'chip-ok' : 'chip-bad'}`}>{s.name}</span>
                      ))}
                    </td>
                    <td className="muted">{checkedText(h)}</td>
                  </tr>
                  {expanded && (
                    <tr className="health-expanded">
                      <td colSpan={7}>
                        <HealthDetails health={h} />
                        <div className="actions">
                          <button onClick={() => onOpenServer(server.id)}>{t('Open {{server}}', { server: server.name })}</button>
                        </div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}

      <h3 className="history-title">{t('History of changes')}</h3>
      {history.length === 0 ? (
        <p className="muted">{t("No changes yet: each time a server's status changes, it is listed here.")}</p>
      ) : (
        <ol className="health-history" aria-label={t('History of changes')}>
          {history.map((c, i) => (
            <li key={`${c.at}-${c.serverId}-${i}`}>
              <span className="muted">{formatDateTime(c.at)}</span> <strong>{c.serverName}</strong>{' '}
              <span className={`status-text status-${c.from}`}>{t(statusLabel[c.from])}</span> → <span className={`status-text status-${c.to}`}>{t(statusLabel[c.to])}</span>
              <span className="muted"> — {healthReason(c.reason)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
