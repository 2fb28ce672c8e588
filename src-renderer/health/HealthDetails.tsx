// Everything one check found about a server: shown under its row in the fleet view and in the
// server's own view.
import { useTranslation } from 'react-i18next';
import type { ServerHealth } from '../../shared/api/health';
import { checkedText, loadText, memoryText } from './format';

export function HealthDetails({ health }: { health: ServerHealth }) {
  const { t } = useTranslation();
  return (
    <dl className="health-details" aria-label={t('Health details')}>
      <dt>{t('Checked')}</dt>
      <dd>{checkedText(health)}</dd>
      <dt>{t('Load (1 5 15 min)')}</dt>
      <dd className="mono">{loadText(health)}</dd>
      <dt>{t('Memory')}</dt>
      <dd>{memoryText(health)}</dd>
      <dt>{t('Filesystems')}</dt>
      <dd>
        {health.disks.length === 0
          ? '–'
          : health.disks.map((d) => (
              <span key={d.mount} className={`chip ${d.usedPct >= 90 ? 'chip-warn' : ''}`}>
                {d.mount} {d.usedPct}%
              </span>
            ))}
      </dd>
      <dt>{t('Daemons')}</dt>
      <dd>
        {health.services.length === 0
          ? '–'
          : health.services.map((s) => (
              <span key={s.name} className={`chip ${s.expected ? (s.running ? 'chip-ok' : 'chip-bad') : 'chip-muted'}`} title={s.expected ? t('Its roles call for it') : t('No role of this server calls for it')}>
                {s.name} {s.running === null ? '?' : s.running ? t('running') : t('not running')}
                {s.expected ? '' : ` ${t('(not required)')}`}
              </span>
            ))}
      </dd>
    </dl>
  );
}
