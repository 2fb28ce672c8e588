// One nameserver's status for a zone: a light (green in sync, amber stale / not served, red
// unreachable) and the serial it serves.
import { useTranslation } from 'react-i18next';
import type { NsStatus } from '../../shared/api/dns';
import { msg } from '../i18n';

const LABEL: Record<NsStatus['state'], string> = {
  'in-sync': msg('in sync'),
  stale: msg('stale'),
  missing: msg('not served'),
  unreachable: msg('unreachable'),
  unknown: msg('not asked'),
};

export function NsStatusPill({ status }: { status: NsStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`ns-pill ns-${status.state}`} title={status.detail} data-testid={`ns-status-${status.server}`} data-state={status.state}>
      <span className="ns-light" aria-hidden="true" />
      <span className="ns-serial">{status.serial ?? '—'}</span>
      <span className="ns-state">{t(LABEL[status.state])}</span>
    </span>
  );
}
