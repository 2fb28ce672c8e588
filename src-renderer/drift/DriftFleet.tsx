// The fleet's drift: every server's last check in one table, "Check the fleet", and a way into
// each server's differences.
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { ErrorNote } from '../components/ErrorNote';
import { DriftSettingsForm } from './DriftSettings';
import { useDriftCheck, useDriftReports } from './hooks';
import './drift.css';

export function DriftFleet({ servers, onOpenServer }: { servers: Server[]; onOpenServer: (serverId: string) => void }) {
  const reports = useDriftReports();
  const check = useDriftCheck();
  return (
    <section className="panel drift-view" aria-label="Drift of the fleet">
      <div className="drift-head">
        <h2>Drift: the fleet</h2>
        <button className="primary" onClick={() => check.mutate(null)} disabled={check.isPending}>{check.isPending ? 'Checking…' : 'Check the fleet'}</button>
      </div>
      <DriftSettingsForm />
      {check.error && <ErrorNote error={check.error instanceof AppError ? check.error : new AppError('internal', 'The check failed.')} />}
      <table className="drift-fleet">
        <thead><tr><th>Server</th><th>Differences</th><th>Compared</th><th>Checked</th><th /></tr></thead>
        <tbody>
          {[...servers].sort((a, b) => a.name.localeCompare(b.name)).map((s) => {
            const r = reports[s.id];
            const n = r?.items.length ?? 0;
            return (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td className={r?.error ? 'status-down' : n ? 'status-warn' : ''}>{!r?.checkedAt ? '—' : r.error ? r.error : n === 0 ? 'none' : n}</td>
                <td>{r?.checkedAt ? r.compared : '—'}</td>
                <td>{r?.checkedAt ? new Date(r.checkedAt).toLocaleTimeString() : 'not yet'}</td>
                <td><button className="link" onClick={() => onOpenServer(s.id)}>Open</button></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
