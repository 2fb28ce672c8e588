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
import { RangeSwitch } from './RangeSwitch';
import { UPlotChart } from './UPlotChart';
import './charts.css';

export function HealthCharts({ server }: { server: Server }) {
  const [range, setRange] = useState<SampleRange>('24h');
  const series = useQuery({ queryKey: ['health.serverSeries', server.id, range], queryFn: () => client.call('health.serverSeries', { serverId: server.id, range }), refetchInterval: 60_000, placeholderData: (previous) => previous });
  const data = series.data;
  return (
    <section className="health-charts" data-range={series.isPlaceholderData ? undefined : range} aria-label={`Health history of ${server.name}`}>
      <header className="charts-head">
        <h3>Health history</h3>
        {series.isPlaceholderData && <span className="muted" role="status">Loading…</span>}
        <RangeSwitch range={range} onChange={setRange} />
      </header>
      {!data ? (
        <p className="muted">Loading the recorded samples…</p>
      ) : data.t.length === 0 ? (
        <p className="muted">Nothing recorded yet: a sample is taken at every health check.</p>
      ) : (
        <div className="charts-grid">
          {METRICS.map((m) =>
            hasValues(data[m.key]) ? (
              <UPlotChart key={m.key} title={m.title} unit={m.unit} t={data.t} series={[{ label: server.name, values: data[m.key], colour: 'var(--accent)' }]} />
            ) : (
              <figure key={m.key} className="chart chart-empty" aria-label={m.title}>
                <figcaption>{m.title}</figcaption>
                <p className="muted">{m.key === 'certDays' ? 'No certificate read on this server.' : m.key === 'backupAgeH' ? 'No backups on this server.' : 'Not measured.'}</p>
              </figure>
            ),
          )}
        </div>
      )}
    </section>
  );
}
