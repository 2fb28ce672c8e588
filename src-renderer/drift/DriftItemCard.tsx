// One difference: what it is, Hostdeck's records beside the server's state, the file's diff
// (records "-", server "+"), and the actions that mean something for it.
import { useTranslation } from 'react-i18next';
import type { DriftAction, DriftItem } from '../../shared/api/drift';
import { msg } from '../i18n';
import { driftText, driftTitle } from './item-text';

const WAY = { missing: msg('missing on the server'), extra: msg('only on the server'), changed: msg('changed on the server') };

export function DriftItemCard({ item, onAction }: { item: DriftItem; onAction: (action: DriftAction) => void }) {
  const { t } = useTranslation();
  return (
    <li className={`drift-item drift-${item.way}`} aria-label={driftTitle(item)}>
      <div className="drift-item-head">
        <span className={`drift-way drift-way-${item.way}`}>{t(WAY[item.way])}</span>
        <strong>{driftTitle(item)}</strong>
      </div>
      <div className="drift-sides">
        <div className="drift-side drift-records" aria-label={t("Hostdeck's records")}>
          <div className="drift-side-label">{t("Hostdeck's records")}</div>
          <div>{driftText(item, 'records')}</div>
        </div>
        <div className="drift-side drift-server" aria-label={t('On the server')}>
          <div className="drift-side-label">{t('On the server')}</div>
          <div>{driftText(item, 'server')}</div>
        </div>
      </div>
      {item.diff && item.diff.length > 0 && (
        <details className="drift-diff" open={item.way === 'changed'}>
          <summary>{t('Diff (− records, + server)')}</summary>
          <pre>
            {item.diff.map((line, i) => (
              <span key={i} className={line.startsWith('+') ? 'diff-add' : line.startsWith('-') ? 'diff-del' : line === '@@' ? 'diff-gap' : 'diff-ctx'}>{line === '@@' ? '…' : line}{'\n'}</span>
            ))}
          </pre>
        </details>
      )}
      <div className="actions">
        {item.fix && <button onClick={() => onAction('fix')} title={driftText(item, 'fix')}>{t('Fix the server…')}</button>}
        {item.accept && <button onClick={() => onAction('accept')} title={driftText(item, 'accept')}>{t("Accept the server's state…")}</button>}
        {!item.fix && !item.accept && <span className="muted">{t('Nothing Hostdeck can do here; see the server side.')}</span>}
      </div>
    </li>
  );
}
