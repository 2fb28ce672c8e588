// 24 h / 7 d for the health charts: two toggle buttons.
import { useTranslation } from 'react-i18next';
import type { SampleRange } from '../../shared/api/fleet';
import { RANGES } from './chart-metrics';

export function RangeSwitch({ range, onChange }: { range: SampleRange; onChange: (range: SampleRange) => void }) {
  const { t } = useTranslation();
  return (
    <div className="range-switch" role="group" aria-label={t('Time range')}>
      {RANGES.map((r) => (
        <button key={r.key} className={range === r.key ? 'active' : ''} aria-pressed={range === r.key} onClick={() => onChange(r.key)}>
          {t(r.label)}
        </button>
      ))}
    </div>
  );
}
