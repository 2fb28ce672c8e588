// One difference: what it is, Hostdeck's records beside the server's state, the file's diff
// (records "-", server "+"), and the actions that mean something for it.
import type { DriftAction, DriftItem } from '../../shared/api/drift';

const WAY = { missing: 'missing on the server', extra: 'only on the server', changed: 'changed on the server' } as const;

export function DriftItemCard({ item, onAction }: { item: DriftItem; onAction: (action: DriftAction) => void }) {
  return (
    <li className={`drift-item drift-${item.way}`} aria-label={item.title}>
      <div className="drift-item-head">
        <span className={`drift-way drift-way-${item.way}`}>{WAY[item.way]}</span>
        <strong>{item.title}</strong>
      </div>
      <div className="drift-sides">
        <div className="drift-side drift-records" aria-label="Hostdeck's records">
          <div className="drift-side-label">Hostdeck's records</div>
          <div>{item.records}</div>
        </div>
        <div className="drift-side drift-server" aria-label="On the server">
          <div className="drift-side-label">On the server</div>
          <div>{item.server}</div>
        </div>
      </div>
      {item.diff && item.diff.length > 0 && (
        <details className="drift-diff" open={item.way === 'changed'}>
          <summary>Diff (− records, + server)</summary>
          <pre>
            {item.diff.map((line, i) => (
              <span key={i} className={line.startsWith('+') ? 'diff-add' : line.startsWith('-') ? 'diff-del' : line === '@@' ? 'diff-gap' : 'diff-ctx'}>{line === '@@' ? '…' : line}{'\n'}</span>
            ))}
          </pre>
        </details>
      )}
      <div className="actions">
        {item.fix && <button onClick={() => onAction('fix')} title={item.fix}>Fix the server…</button>}
        {item.accept && <button onClick={() => onAction('accept')} title={item.accept}>Accept the server's state…</button>}
        {!item.fix && !item.accept && <span className="muted">Nothing Hostdeck can do here; see the server side.</span>}
      </div>
    </li>
  );
}
