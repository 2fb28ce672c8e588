// "Prepare server…": the preflight report (what the machine has), the roles to prepare, the
// tasks they become with their exact commands and what they would change, then "Queue these
// tasks". Progress shows in the server's queue.
import { useRef, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { PREPARE_ROLES, type PreflightReport, type PrepareRole } from '../../shared/api/prepare';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { trapKeys } from '../hosting/PreviewDialog';
import { msg } from '../i18n';
import { saidText } from '../i18n/core-text';
import { formatNumber } from '../i18n/format';
import { taskTitle } from '../queue/task-title';
import './prepare.css';

type Props = { server: Server; onClose: () => void; onQueue?: () => void };

const ROLE_LABELS: Record<PrepareRole, string> = {
  base: msg('Base: security upgrades, time sync, firewall, SSH keys only'),
  web: msg('Web: nginx, PHP-FPM, quota tools'),
  db: msg('Databases: MariaDB'),
  ftp: msg('FTP: pure-ftpd (virtual users, TLS)'),
  ns: msg('DNS: BIND'),
};

const asError = (e: unknown): AppError => (e instanceof AppError ? e : new AppError('internal', String(e)));

export function PrepareDialog({ server, onClose, onQueue }: Props) {
  const { t } = useTranslation();
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
      <div ref={ref} className="panel modal preview-dialog prepare-dialog" role="dialog" aria-modal="true" aria-label={t('Prepare {{server}}', { server: server.name })} onKeyDown={(e) => trapKeys(e, ref.current, onClose)}>
        <h2>{t('Prepare {{server}}', { server: server.name })}</h2>
        {preflight.isPending && <p className="muted">{t('Reading the server (one read-only command)…')}</p>}
        {preflight.error && <ErrorNote error={asError(preflight.error)} title={t('The preflight failed.')} />}
        {preflight.data && <Preflight report={preflight.data} />}
        {preflight.data && !enqueue.data && (
          <fieldset className="prepare-roles">
            <legend>{t('Roles to prepare')}</legend>
            {PREPARE_ROLES.map((r) => (
              <label key={r}>
                <input type="checkbox" checked={roles.includes(r)} onChange={() => toggle(r)} /> {t(ROLE_LABELS[r])}
              </label>
            ))}
          </fieldset>
        )}
        {preview.error && <ErrorNote error={asError(preview.error)} title={t('The plan could not be made.')} />}
        {preview.data && !enqueue.data && (
          <section aria-label={t('What would change')}>
            <h3>{t('What would change')}</h3>
            <ul className="prepare-changes">
              {preview.data.changesSaid.map((c) => <li key={c.key + JSON.stringify(c.params)}>{saidText(c)}</li>)}
            </ul>
            {preview.data.warningsSaid.map((w) => <p key={w.key + JSON.stringify(w.params)} className="note note-warn">{saidText(w)}</p>)}
            <h3>{t('{{count, number}} tasks, queued and run in this order (each checks first; a second run changes nothing)', { count: preview.data.tasks.length })}</h3>
            <ol className="preview-tasks">
              {preview.data.tasks.map((task) => (
                <li key={task.kind} data-kind={task.kind}>
                  <details>
                    <summary className="preview-task-head"><strong>{taskTitle(task)}</strong> <span className="muted mono">{task.kind}</span></summary>
                    <pre className="preview-commands" tabIndex={0} aria-label={t('Commands of {{title}}', { title: taskTitle(task) })}>{task.commands.join('\n')}</pre>
                  </details>
                </li>
              ))}
            </ol>
          </section>
        )}
        {enqueue.error && <ErrorNote error={asError(enqueue.error)} title={t('Nothing was queued.')} />}
        {enqueue.data && <p className="note note-ok" role="status">{t('{{count, number}} tasks queued. The queue runs them in order and stops at the first failure (retry there).', { count: enqueue.data.tasks.length })}</p>}
        <div className="actions">
          {!enqueue.data && <button type="button" className="primary" disabled={!preview.data || roles.length === 0 || enqueue.isPending} onClick={() => enqueue.mutate()}>{t('Queue these tasks')}</button>}
          {enqueue.data && onQueue && <button type="button" className="primary" onClick={onQueue} autoFocus>{t('Open the queue')}</button>}
          <button type="button" onClick={onClose}>{enqueue.data ? t('Close') : t('Cancel')}</button>
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
  nopasswd: msg('not root: the tasks run through sudo (it asks no password)'),
  password: msg('not root: sudo asks for a password (the tasks give the login password where Hostdeck keeps it)'),
  missing: msg('not root, and no sudo: the tasks cannot run'),
};

function Preflight({ report }: { report: PreflightReport }) {
  const { t } = useTranslation();
  const installed = report.software.filter((s) => s.version !== null);
  return (
    <section aria-label={t('Preflight')} className="prepare-preflight">
      <dl>
        <dt>{t('System')}</dt>
        <dd>{report.os.pretty}{report.supported ? '' : ` ${t('(not Debian 12 or Ubuntu 22.04/24.04)')}`} · {report.systemd ? 'systemd' : t('no systemd (init scripts)')}</dd>
        <dt>{t('Login')}</dt>
        <dd>{report.login.user} · {t(SUDO_TEXT[report.login.sudo])}</dd>
        <dt>{t('Memory, free disk')}</dt>
        <dd>{t('{{memory}} MB · {{disk}} GB free on /', { memory: formatNumber(report.memoryMb), disk: formatNumber(report.diskFreeMb / 1024, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) })}</dd>
        <dt>{t('Installed')}</dt>
        <dd>{installed.length ? installed.map((s) => `${s.name} ${s.version}`).join(', ') : t('none of the hosting software')}{report.phpFpm.length ? ` · php-fpm ${report.phpFpm.join(', ')}` : ''}</dd>
        <dt>{t('Listening')}</dt>
        <dd className="mono">{listening(report) || t('nothing')}</dd>
        <dt>SSH</dt>
        <dd>{report.sshPorts.length ? `${t('port {{ports}}', { ports: report.sshPorts.join(', ') })} · ${report.sshPasswordAuth ? t('password logins allowed') : t('password logins off')}` : t('not readable with this login (sshd -T needs root)')}</dd>
        {report.apacheSites.length > 0 && (
          <>
            <dt>{t('Apache sites')}</dt>
            <dd>{t('{{sites}} (left as they are)', { sites: report.apacheSites.join(', ') })}</dd>
          </>
        )}
      </dl>
      {report.notesSaid.map((n) => <p key={n.key} className="muted">{saidText(n)}</p>)}
    </section>
  );
}
