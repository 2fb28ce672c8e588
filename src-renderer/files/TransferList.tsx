// Uploads and downloads of this tab: progress, cancel while running, the error of a failed one.
import { formatSize } from './FilesTab';
import type { Transfer } from './transfers';

export function TransferList({ transfers, onClear }: { transfers: Transfer[]; onClear: () => void }) {
  if (transfers.length === 0) return null;
  return (
    <section className="transfers" aria-label="Transfers">
      <div className="transfers-head">
        <strong>Transfers</strong>
        <button className="link" onClick={onClear}>Clear finished</button>
      </div>
      <ul>
        {transfers.map((t) => (
          <li key={t.id} className={`transfer transfer-${t.state}`} data-state={t.state}>
            <span className="transfer-label">{t.label}</span>
            {t.total ? <progress max={t.total} value={t.done} aria-label={`${t.label} progress`} /> : <span className="muted">{formatSize(t.done)}</span>}
            <span className="transfer-state">
              {t.state === 'running' ? `${t.total ? Math.floor((100 * t.done) / t.total) : '…'}%` : t.state === 'done' ? 'done' : t.state === 'cancelled' ? 'cancelled' : 'failed'}
            </span>
            {t.state === 'running' && <button onClick={t.cancel}>Cancel</button>}
            {t.error && <span className="field-error" role="alert">{t.error}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
