// One server's health over time (its section of the server view): load, memory, the fullest
// disk, days to its nearest certificate expiry and the age of its last backup, as recorded at
// each health tick; the last 24 h at tick resolution or 7 d of 5-minute averages. A metric the
// server has never had (no certificate read, no backups) says so instead of an empty chart.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { SampleRange } from '../../shared/api/fleet';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { hasValues, METRICS } from './chart-metrics';
import { ChartsSection } from './ChartsSection';
import { UPlotChart } from './UPlotChart';

const NEVER: Record<string, string> = { certDays: 'No certificate read on this server.', backupAgeH: 'No backups on this server.' };

export function HealthCharts({ server }: { server: Server }) {
  const [range, setRange] = useState<SampleRange>('24h');
  const series = useQuery({ queryKey: ['health.serverSeries', server.id, range], queryFn: () => client.call('health.serverSeries', { serverId: server.id, range }), refetchInterval: 60_000, placeholderData: (previous) => previous });
  const data = series.data;
  return (
    <ChartsSection label={`Health history of ${server.name}`} title="Health history" range={range} onRange={setRange} series={series} empty="Nothing recorded yet: a sample is taken at every health check.">
      {data &&
        METRICS.map((m) =>
          hasValues(data[m.key]) ? (
            <UPlotChart key={m.key} title={m.title} unit={m.unit} t={data.t} series={[{ label: server.name, values: data[m.key], colour: 'var(--accent)' }]} />
          ) : (
            <figure key={m.key} className="chart chart-empty" aria-label={m.title}>
              <figcaption>{m.title}</figcaption>
              <p className="muted">{NEVER[m.key] ?? 'Not measured.'}</p>
            </figure>
          ),
        )}
    </ChartsSection>
  );
}
