// "Prepare server…": the preflight report (what the machine has), the roles to prepare, the
// tasks they become with their exact commands and what they would change, then "Queue these
// tasks". Progress shows in the server's queue.
import { useRef, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { PREPARE_ROLES, ROLE_LABELS, type PreflightReport, type PrepareRole } from '../../shared/api/prepare';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { trapKeys } from '../hosting/PreviewDialog';
import './prepare.css';

type Props = { server: Server; onClose: () => void; onQueue?: () => void };

const asError = (e: unknown): AppError => (e instanceof AppError ? e : new AppError('internal', String(e)));

export function PrepareDialog({ server, onClose, onQueue }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [roles, setRoles] = useState<PrepareRole[]>(['base', ...PREPARE_ROLES.filter((r): r is PrepareRole => r !== 'base' && (server.roles as string[]).includes(r))]);
  const preflight = useQuery({ queryKey: ['prepare.preflight', server.id], queryFn: () => client.call('prepare.preflight', { serverId: server.id }), retry: false, staleTime: Infinity });
  const preview = useQuery({
    queryKey: ['prepare.preview', server.id, roles],
    queryFn: () => client.call('prepare.preview', { serverId: server.id, roles }),
    enabled: preflight.isSuccess && roles.length > 0,
    retry: false,
  });
  const enqueue = useMutation({ mutationFn: () => client.call('prepare.enqueue', { serverId: server.id, roles }) });
  const toggle = (r: PrepareRole) => setRoles((now) => (now.includes(r) ? now.filter((x) => x !== r) : PREPARE_ROLES.filter((x) => x === r || now.includes(x))));

  return (
    <div className="modal-backdrop">
      <div ref={ref} className="panel modal preview-dialog prepare-dialog" role="dialog" aria-modal="true" aria-label={`Prepare ${server.name}`} onKeyDown={(e) => trapKeys(e, ref.current, onClose)}>
        <h2>Prepare {server.name}</h2>
        {preflight.isPending && <p className="muted">Reading the server (one read-only command)…</p>}
        {preflight.error && <ErrorNote error={asError(preflight.error)} title="The preflight failed." />}
        {preflight.data && <Preflight report={preflight.data} />}
        {preflight.data && !enqueue.data && (
          <fieldset className="prepare-roles">
            <legend>Roles to prepare</legend>
            {PREPARE_ROLES.map((r) => (
              <label key={r}>
                <input type="checkbox" checked={roles.includes(r)} onChange={() => toggle(r)} /> {ROLE_LABELS[r]}
              </label>
            ))}
          </fieldset>
        )}
        {preview.error && <ErrorNote error={asError(preview.error)} title="The plan could not be made." />}
        {preview.data && !enqueue.data && (
          <section aria-label="What would change">
            <h3>What would change</h3>
            <ul className="prepare-changes">
              {preview.data.changes.map((c) => <li key={c}>{c}</li>)}
            </ul>
            {preview.data.warnings.map((w) => <p key={w} className="note note-warn">{w}</p>)}
            <h3>{preview.data.tasks.length} tasks, queued and run in this order (each checks first; a second run changes nothing)</h3>
            <ol className="preview-tasks">
              {preview.data.tasks.map((t) => (
                <li key={t.kind} data-kind={t.kind}>
                  <details>
                    <summary className="preview-task-head"><strong>{t.title}</strong> <span className="muted mono">{t.kind}</span></summary>
                    <pre className="preview-commands" tabIndex={0} aria-label={`Commands of ${t.title}`}>{t.commands.join('\n')}</pre>
                  </details>
                </li>
              ))}
            </ol>
          </section>
        )}
        {enqueue.error && <ErrorNote error={asError(enqueue.error)} title="Nothing was queued." />}
        {enqueue.data && <p className="note note-ok" role="status">{enqueue.data.tasks.length} tasks queued. The queue runs them in order and stops at the first failure (retry there).</p>}
        <div className="actions">
          {!enqueue.data && <button type="button" className="primary" disabled={!preview.data || roles.length === 0 || enqueue.isPending} onClick={() => enqueue.mutate()}>Queue these tasks</button>}
          {enqueue.data && onQueue && <button type="button" className="primary" onClick={onQueue} autoFocus>Open the queue</button>}
          <button type="button" onClick={onClose}>{enqueue.data ? 'Close' : 'Cancel'}</button>
        </div>
      </div>
    </div>
  );
}

/** Each port once (a port many addresses listen on, as on a machine with several loopback daemons, is one entry). */
function listening(report: PreflightReport): string {
  return [...new Set(report.ports.map((p) => `${p.proto}/${p.port}${p.process ? ` ${p.process}` : ''}`))].join(', ');
}

const SUDO_TEXT: Record<PreflightReport['login']['sudo'], string> = {
  root: 'root',
  nopasswd: 'not root: the tasks run through sudo (it asks no password)',
  password: 'not root: sudo asks for a password (the tasks give the login password where Hostdeck keeps it)',
  missing: 'not root, and no sudo: the tasks cannot run',
};

function Preflight({ report }: { report: PreflightReport }) {
  const installed = report.software.filter((s) => s.version !== null);
  return (
    <section aria-label="Preflight" className="prepare-preflight">
      <dl>
        <dt>System</dt>
        <dd>{report.os.pretty}{report.supported ? '' : ' (not Debian 12 or Ubuntu 22.04/24.04)'} · {report.systemd ? 'systemd' : 'no systemd (init scripts)'}</dd>
        <dt>Login</dt>
        <dd>{report.login.user} · {SUDO_TEXT[report.login.sudo]}</dd>
        <dt>Memory, free disk</dt>
        <dd>{report.memoryMb} MB · {(report.diskFreeMb / 1024).toFixed(1)} GB free on /</dd>
        <dt>Installed</dt>
        <dd>{installed.length ? installed.map((s) => `${s.name} ${s.version}`).join(', ') : 'none of the hosting software'}{report.phpFpm.length ? ` · php-fpm ${report.phpFpm.join(', ')}` : ''}</dd>
        <dt>Listening</dt>
        <dd className="mono">{listening(report) || 'nothing'}</dd>
        <dt>SSH</dt>
        <dd>{report.sshPorts.length ? `port ${report.sshPorts.join(', ')} · password logins ${report.sshPasswordAuth ? 'allowed' : 'off'}` : 'not readable with this login (sshd -T needs root)'}</dd>
        {report.apacheSites.length > 0 && (
          <>
            <dt>Apache sites</dt>
            <dd>{report.apacheSites.join(', ')} (left as they are)</dd>
          </>
        )}
      </dl>
      {report.notes.map((n) => <p key={n} className="muted">{n}</p>)}
    </section>
  );
}
