// Everything one check found about a server: shown under its row in the fleet view and in the
// server's own view.
import type { ServerHealth } from '../../shared/api/health';
import { checkedText, loadText, memoryText } from './format';

export function HealthDetails({ health }: { health: ServerHealth }) {
  return (
    <dl className="health-details" aria-label="Health details">
      <dt>Checked</dt>
      <dd>{checkedText(health)}</dd>
      <dt>Load (1 5 15 min)</dt>
      <dd className="mono">{loadText(health)}</dd>
      <dt>Memory</dt>
      <dd>{memoryText(health)}</dd>
      <dt>Filesystems</dt>
      <dd>
        {health.disks.length === 0
          ? '–'
          : health.disks.map((d) => (
              <span key={d.mount} className={`chip ${d.usedPct >= 90 ? 'chip-warn' : ''}`}>
                {d.mount} {d.usedPct}%
              </span>
            ))}
      </dd>
      <dt>Daemons</dt>
      <dd>
        {health.services.length === 0
          ? '–'
          : health.services.map((s) => (
              <span key={s.name} className={`chip ${s.expected ? (s.running ? 'chip-ok' : 'chip-bad') : 'chip-muted'}`} title={s.expected ? 'Its roles call for it' : 'No role of this server calls for it'}>
                {s.name} {s.running === null ? '?' : s.running ? 'running' : 'not running'}
                {s.expected ? '' : ' (not required)'}
              </span>
            ))}
      </dd>
    </dl>
  );
}
