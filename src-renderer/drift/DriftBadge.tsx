// A server's drift at a glance (the fleet list): how many differences its last check found.
import { useDriftReports } from './hooks';

export function DriftBadge({ serverId }: { serverId: string }) {
  const report = useDriftReports()[serverId];
  const n = report?.items.length ?? 0;
  if (!report || n === 0) return null;
  const label = `${n} difference${n === 1 ? '' : 's'} from Hostdeck's records`;
  return <span className="badge drift-badge" title={`Drift: ${label}`} aria-label={`drift: ${label}`}>≠{n}</span>;
}
