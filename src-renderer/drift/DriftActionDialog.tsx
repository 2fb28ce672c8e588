// One answer to a difference, previewed: the tasks a fix would queue (their exact commands) or
// the record changes an accept makes, then done on confirmation. A fix that removes something
// from the server asks for its name typed. A password a fix makes is shown once.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DriftAction, DriftItem } from '../../shared/api/drift';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { SecretOnce } from '../hosting/common';
import { DRIFT_KEY } from './hooks';
import { saidText } from '../i18n/core-text';
import { driftText, driftTitle } from './item-text';
import { taskTitle } from '../queue/task-title';

type Props = { server: Server; servers: Server[]; item: DriftItem; action: DriftAction; onClose: () => void };


export function DriftActionDialog({ server, servers, item, action, onClose }: Props) {
  const { t } = useTranslation();
  const asError = (e: unknown) => (e instanceof AppError ? e : new AppError('internal', t('The action failed.')));
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState('');
  const needs = action === 'fix' ? item.confirm : null;
  const preview = useQuery({ queryKey: ['drift', 'preview', server.id, item.id, action], queryFn: () => client.call('drift.preview', { serverId: server.id, id: item.id, action }), gcTime: 0 });
  const resolve = useMutation({
    mutationFn: () => client.call('drift.resolve', { serverId: server.id, id: item.id, action, ...(needs ? { confirm } : {}) }),
    onSuccess: (out) => {
      void queryClient.invalidateQueries({ queryKey: DRIFT_KEY });
      void queryClient.invalidateQueries({ queryKey: ['hosting'] });
      if (!out.password) onClose();
    },
  });
  const name = (id: string) => servers.find((s) => s.id === id)?.name ?? id;
  const heading = action === 'fix' ? t('Fix the server') : t("Accept the server's state");
  const tasks = preview.data?.tasks ?? [];
  const records = (preview.data?.recordsSaid ?? []).map(saidText);
  return (
    <div className="modal-backdrop">
      <div className="panel modal preview-dialog drift-dialog" role="dialog" aria-modal="true" aria-label={`${heading}: ${driftTitle(item)}`}>
        <h2>{heading}: {driftTitle(item)}</h2>
        <p className="drift-dialog-what"><strong>{driftText(item, action)}</strong></p>
        {preview.isPending && <p className="muted">{t('Preparing the preview…')}</p>}
        {preview.error && <ErrorNote error={asError(preview.error)} />}
        {preview.data && (
          <>
            {tasks.length > 0 && (
              <>
                <p className="muted">{t('{{count, number}} tasks would be queued and run in this order, exactly as shown:', { count: tasks.length })}</p>
                <ol className="preview-tasks">
                  {tasks.map((task, i) => (
                    <li key={i}>
                      <div className="preview-task-title">{taskTitle(task)}{task.serverId !== server.id ? <span className="muted"> — {t('on {{server}}', { server: name(task.serverId) })}</span> : null}</div>
                      <pre className="preview-commands">{task.commands.join('\n')}</pre>
                    </li>
                  ))}
                </ol>
              </>
            )}
            {records.length > 0 && (
              <>
                <p className="muted">{tasks.length === 0 ? t("Hostdeck's records change; nothing runs on the server:") : t("Hostdeck's records change:")}</p>
                <ul className="drift-record-changes">{records.map((r, i) => <li key={i}>{r}</li>)}</ul>
              </>
            )}
          </>
        )}
        {needs && (
          <label className="field">
            <span>{t('Type {{name}} to confirm', { name: needs })}</span>
            <input value={confirm} onChange={(e) => setConfirm(e.target.value)} aria-label={t('Confirm by typing the name')} />
          </label>
        )}
        {resolve.error && <ErrorNote error={asError(resolve.error)} />}
        {resolve.data?.password && (
          <SecretOnce label={t('New password')} what={t('The new password')} secret={resolve.data.password} testId="drift-password" onDone={onClose} />
        )}
        <div className="actions">
          {!resolve.data && (
            <button className="primary" disabled={!preview.data || resolve.isPending || (needs !== null && confirm !== needs)} onClick={() => resolve.mutate()}>
              {resolve.isPending ? t('Working…') : action === 'fix' ? t('Queue these tasks') : t('Change the records')}
            </button>
          )}
          <button onClick={onClose}>{resolve.data ? t('Close') : t('Back')}</button>
        </div>
      </div>
    </div>
  );
}
