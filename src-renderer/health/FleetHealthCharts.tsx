// The fleet's health over time (in the Fleet health tab): per metric the median server and the
// worst one, over 24 h (1-minute buckets) or 7 d (5-minute buckets), with the fleet-wide limit.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SampleRange } from '../../shared/api/fleet';
import { client } from '../client/client';
import { hasValues, METRICS } from './chart-metrics';
import { ChartsSection } from './ChartsSection';
import { thresholdsKey } from './HealthThresholds';
import { UPlotChart } from './UPlotChart';

export function FleetHealthCharts() {
  const { t } = useTranslation();
  const [range, setRange] = useState<SampleRange>('24h');
  const series = useQuery({ queryKey: ['health.fleetSeries', range], queryFn: () => client.call('health.fleetSeries', { range }), refetchInterval: 60_000, placeholderData: (previous) => previous });
  const thresholds = useQuery({ queryKey: thresholdsKey, queryFn: () => client.call('health.thresholds', {}) });
  const data = series.data;
  const note = data && data.servers > 0 ? <span className="muted">{t('median and worst of {{count, number}} servers', { count: data.servers })}</span> : null;
  return (
    <ChartsSection label={t('Fleet health history')} title={t('Fleet over time')} note={note} range={range} onRange={setRange} series={series} empty={t('Nothing recorded yet: a sample of each server is taken at every health check.')}>
      {data &&
        METRICS.filter((m) => hasValues(data.worst[m.key])).map((m) => (
          <UPlotChart
            key={m.key}
            title={t(m.title)}
            unit={t(m.unit)}
            t={data.t}
            limit={thresholds.data?.all[m.key] ?? null}
            series={[
              { label: t('median'), values: data.median[m.key], colour: 'var(--accent)' },
              { label: t('worst'), values: data.worst[m.key], colour: 'var(--danger)' },
            ]}
          />
        ))}
    </ChartsSection>
  );
}
