// What the health charts show per metric: title, unit, and the range switch's choices.
import type { SampleMetric, SampleRange } from '../../shared/api/fleet';

export const METRICS: { key: SampleMetric; title: string; unit: string }[] = [
  { key: 'load', title: 'Load (1 min)', unit: '' },
  { key: 'memoryPct', title: 'Memory used', unit: '%' },
  { key: 'diskPct', title: 'Fullest disk used', unit: '%' },
  { key: 'certDays', title: 'Days to the nearest certificate expiry', unit: ' d' },
  { key: 'backupAgeH', title: 'Hours since the last good backup', unit: ' h' },
];

export const RANGES: { key: SampleRange; label: string }[] = [
  { key: '24h', label: 'Last 24 hours' },
  { key: '7d', label: 'Last 7 days' },
];

/** Whether a column holds anything to draw. */
export const hasValues = (values: readonly (number | null)[]): boolean => values.some((v) => v !== null);
