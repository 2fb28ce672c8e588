// The fleet list's filters: one role, one tag, one health status (each "any" by default).
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, Server } from '../../shared/domain';
import { HealthStatus } from '../../shared/api/health';
import { allTags, NO_FILTERS, roleChoices, type FleetFilters as Filters } from './fleet-filter';

type Props = { servers: Server[]; filters: Filters; onChange: (filters: Filters) => void };

export function FleetFilters({ servers, filters, onChange }: Props) {
  const { t } = useTranslation();
  const tags = useMemo(() => allTags(servers), [servers]);
  const set = (change: Partial<Filters>) => onChange({ ...filters, ...change });
  const any = filters.role !== '' || filters.tag !== '' || filters.health !== '';
  return (
    <div className="fleet-filters" role="group" aria-label={t('Filter the fleet')}>
      <select aria-label={t('Filter by role')} value={filters.role} onChange={(e) => set({ role: e.target.value as Role | '' })}>
        <option value="">{t('Role')}</option>
        {roleChoices.map((r) => (
          <option key={r} value={r}>{r}</option>
        ))}
      </select>
      <select aria-label={t('Filter by tag')} value={filters.tag} onChange={(e) => set({ tag: e.target.value })}>
        <option value="">{t('Tag')}</option>
        {tags.map((tag) => (
          <option key={tag} value={tag}>{tag}</option>
        ))}
      </select>
      <select aria-label={t('Filter by health')} value={filters.health} onChange={(e) => set({ health: e.target.value as Filters['health'] })}>
        <option value="">{t('Health')}</option>
        {HealthStatus.options.map((h) => (
          <option key={h} value={h}>{h}</option>
        ))}
      </select>
      {any && (
        <button className="link-plain fleet-filters-clear" onClick={() => onChange(NO_FILTERS)} aria-label={t('Clear the filters')} title={t('Clear the filters')}>
          ×
        </button>
      )}
    </div>
  );
}
