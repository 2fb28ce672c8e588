// One nameserver's status for a zone: a light (green in sync, amber stale / not served, red
// unreachable) and the serial it serves.
import type { NsStatus } from '../../shared/api/dns';

const LABEL: Record<NsStatus['state'], string> = { 'in-sync': 'in sync', stale: 'stale', missing: 'not served', unreachable: 'unreachable', unknown: 'not asked' };

export function NsStatusPill({ status }: { status: NsStatus }) {
  return (
    <span className={`ns-pill ns-${status.state}`} title={status.detail} data-testid={`ns-status-${status.server}`} data-state={status.state}>
      <span className="ns-light" aria-hidden="true" />
      <span className="ns-serial">{status.serial ?? '—'}</span>
      <span className="ns-state">{LABEL[status.state]}</span>
    </span>
  );
}
