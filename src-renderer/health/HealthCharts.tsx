// One server's health over time (its section of the server view): load, memory, the fullest
// disk, days to its nearest certificate expiry and the age of its last backup, as recorded at
// each health tick; the last 24 h at tick resolution or 7 d of 5-minute averages. A metric the
// server has never had (no certificate read, no backups) says so instead of an empty chart.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SampleRange } from '../../shared/api/fleet';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { hasValues, METRICS } from './chart-metrics';
import { ChartsSection } from './ChartsSection';
import { UPlotChart } from './UPlotChart';
import { msg } from '../i18n';

const NEVER: Partial<Record<string, string>> = { certDays: msg('No certificate read on this server.'), backupAgeH: msg('No backups on this server.') };

export function HealthCharts({ server }: { server: Server }) {
  const { t } = useTranslation();
  const [range, setRange] = useState<SampleRange>('24h');
  const series = useQuery({ queryKey: ['health.serverSeries', server.id, range], queryFn: () => client.call('health.serverSeries', { serverId: server.id, range }), refetchInterval: 60_000, placeholderData: (previous) => previous });
  const data = series.data;
  return (
    <ChartsSection label={t('Health history of {{server}}', { server: server.name })} title={t('Health history')} range={range} onRange={setRange} series={series} empty={t('Nothing recorded yet: a sample is taken at every health check.')}>
      {data &&
        METRICS.map((m) =>
          hasValues(data[m.key]) ? (
            <UPlotChart key={m.key} title={t(m.title)} unit={t(m.unit)} t={data.t} series={[{ label: server.name, values: data[m.key], colour: 'var(--accent)' }]} />
          ) : (
            <figure key={m.key} className="chart chart-empty" aria-label={t(m.title)}>
              <figcaption>{t(m.title)}</figcaption>
              <p className="muted">{t(NEVER[m.key] ?? msg('Not measured.'))}</p>
            </figure>
          ),
        )}
    </ChartsSection>
  );
}
