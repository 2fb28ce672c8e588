// Uploads and downloads of this tab: progress, cancel while running, the error of a failed one.
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../i18n/format';
import type { Transfer } from './transfers';

export function TransferList({ transfers, onClear }: { transfers: Transfer[]; onClear: () => void }) {
  const { t } = useTranslation();
  if (transfers.length === 0) return null;
  return (
    <section className="transfers" aria-label={t('Transfers')}>
      <div className="transfers-head">
        <strong>{t('Transfers')}</strong>
        <button className="link" onClick={onClear}>{t('Clear finished')}</button>
      </div>
      <ul>
        {transfers.map((x) => (
          <li key={x.id} className={`transfer transfer-${x.state}`} data-state={x.state}>
            <span className="transfer-label">{x.label}</span>
            {x.total ? <progress max={x.total} value={x.done} aria-label={t('{{label}} progress', { label: x.label })} /> : <span className="muted">{formatBytes(x.done)}</span>}
            <span className="transfer-state">
              {x.state === 'running' ? `${x.total ? Math.floor((100 * x.done) / x.total) : '…'}%` : x.state === 'done' ? t('done') : x.state === 'cancelled' ? t('cancelled') : t('failed')}
            </span>
            {x.state === 'running' && <button onClick={x.cancel}>{t('Cancel')}</button>}
            {x.error && <span className="field-error" role="alert">{x.error}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
