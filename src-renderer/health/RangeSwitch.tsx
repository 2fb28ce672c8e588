// 24 h / 7 d for the health charts: two toggle buttons.
import type { SampleRange } from '../../shared/api/fleet';
import { RANGES } from './chart-metrics';

export function RangeSwitch({ range, onChange }: { range: SampleRange; onChange: (range: SampleRange) => void }) {
  return (
    <div className="range-switch" role="group" aria-label="Time range">
      {RANGES.map((r) => (
        <button key={r.key} className={range === r.key ? 'active' : ''} aria-pressed={range === r.key} onClick={() => onChange(r.key)}>
          {r.label}
        </button>
      ))}
    </div>
  );
}
