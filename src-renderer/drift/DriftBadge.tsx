// A server's drift at a glance (the fleet list): how many differences its last check found.
import { useTranslation } from 'react-i18next';
import { useDriftReports } from './hooks';

export function DriftBadge({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const report = useDriftReports()[serverId];
  const n = report?.items.length ?? 0;
  if (!report || n === 0) return null;
  const label = t("{{count, number}} differences from Hostdeck's records", { count: n });
  return <span className="badge drift-badge" title={t('Drift: {{label}}', { label })} aria-label={t('drift: {{label}}', { label })}>≠{n}</span>;
}
