// A server's own health, in its view: status and reason, details, "Check now".
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { HealthCharts } from './HealthCharts';
import { HealthDetails } from './HealthDetails';
import { useHealthByServer } from './feed';
import { statusLabel } from './notify';
import { healthReason } from './reason-text';

export function ServerHealthSection({ server }: { server: Server }) {
  const { t } = useTranslation();
  const health = useHealthByServer()[server.id];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  async function check() {
    setBusy(true);
    setError(null);
    try {
      await client.call('health.checkNow', { serverId: server.id });
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', t('The check failed.')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="server-health" aria-label={t('Health')}>
      <div className="server-health-head">
        <h3>
          <span className={`light light-${health?.status ?? 'unknown'}`} aria-hidden="true" /> {t('Health:')} <span className={`status-text status-${health?.status ?? 'unknown'}`}>{t(statusLabel[health?.status ?? 'unknown'])}</span>
        </h3>
        <button onClick={check} disabled={busy}>{busy ? t('Checking…') : t('Check now')}</button>
      </div>
      {health && <p className="reason">{healthReason(health.reason)}</p>}
      {error && <ErrorNote error={error} />}
      {health?.checkedAt && <HealthDetails health={health} />}
      <HealthCharts server={server} />
    </section>
  );
}
