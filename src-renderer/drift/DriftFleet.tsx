// The fleet's drift: every server's last check in one table, "Check the fleet", and a way into
// each server's differences.
import { useTranslation } from 'react-i18next';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { ErrorNote } from '../components/ErrorNote';
import { formatNumber, formatTime } from '../i18n/format';
import { DriftSettingsForm } from './DriftSettings';
import { useDriftCheck, useDriftReports } from './hooks';
import './drift.css';

export function DriftFleet({ servers, onOpenServer }: { servers: Server[]; onOpenServer: (serverId: string) => void }) {
  const { t } = useTranslation();
  const reports = useDriftReports();
  const check = useDriftCheck();
  return (
    <section className="panel drift-view" aria-label={t('Drift of the fleet')}>
      <div className="drift-head">
        <h2>{t('Drift: the fleet')}</h2>
        <button className="primary" onClick={() => check.mutate(null)} disabled={check.isPending}>{check.isPending ? t('Checking…') : t('Check the fleet')}</button>
      </div>
      <DriftSettingsForm />
      {check.error && <ErrorNote error={check.error instanceof AppError ? check.error : new AppError('internal', t('The check failed.'))} />}
      <table className="drift-fleet">
        <thead><tr><th>{t('Server')}</th><th>{t('Differences')}</th><th>{t('Compared')}</th><th>{t('Checked')}</th><th /></tr></thead>
        <tbody>
          {[...servers].sort((a, b) => a.name.localeCompare(b.name)).map((s) => {
            const r = reports[s.id];
            const n = r?.items.length ?? 0;
            return (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td className={r?.error ? 'status-down' : n ? 'status-warn' : ''}>{!r?.checkedAt ? '—' : r.error ? r.error : n === 0 ? t('none') : formatNumber(n)}</td>
                <td>{r?.checkedAt ? formatNumber(r.compared) : '—'}</td>
                <td>{r?.checkedAt ? formatTime(r.checkedAt) : t('not yet')}</td>
                <td><button className="link" onClick={() => onOpenServer(s.id)}>{t('Open')}</button></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
