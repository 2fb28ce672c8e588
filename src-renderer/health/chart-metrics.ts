// What the health charts show per metric: title, unit, and the range switch's choices (titles and
// labels are translation keys; units are translated where drawn).
import type { SampleMetric, SampleRange } from '../../shared/api/fleet';
import { msg } from '../i18n';

export const METRICS: { key: SampleMetric; title: string; unit: string }[] = [
  { key: 'load', title: msg('Load (1 min)'), unit: '' },
  { key: 'memoryPct', title: msg('Memory used'), unit: '%' },
  { key: 'diskPct', title: msg('Fullest disk used'), unit: '%' },
  { key: 'certDays', title: msg('Days to the nearest certificate expiry'), unit: msg(' d') },
  { key: 'backupAgeH', title: msg('Hours since the last good backup'), unit: msg(' h') },
];

export const RANGES: { key: SampleRange; label: string }[] = [
  { key: '24h', label: msg('Last 24 hours') },
  { key: '7d', label: msg('Last 7 days') },
];

/** Whether a column holds anything to draw. */
export const hasValues = (values: readonly (number | null)[]): boolean => values.some((v) => v !== null);
