// One answer to a difference, previewed: the tasks a fix would queue (their exact commands) or
// the record changes an accept makes, then done on confirmation. A fix that removes something
// from the server asks for its name typed. A password a fix makes is shown once.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { DriftAction, DriftItem } from '../../shared/api/drift';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { SecretOnce } from '../hosting/common';
import { DRIFT_KEY } from './hooks';

type Props = { server: Server; servers: Server[]; item: DriftItem; action: DriftAction; onClose: () => void };

const asError = (e: unknown) => (e instanceof AppError ? e : new AppError('internal', 'The action failed.'));

export function DriftActionDialog({ server, servers, item, action, onClose }: Props) {
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
  const label = action === 'fix' ? item.fix : item.accept;
  const tasks = preview.data?.tasks ?? [];
  const records = preview.data?.records ?? [];
  return (
    <div className="modal-backdrop">
      <div className="panel modal preview-dialog drift-dialog" role="dialog" aria-modal="true" aria-label={`${action === 'fix' ? 'Fix the server' : 'Accept the server\'s state'}: ${item.title}`}>
        <h2>{action === 'fix' ? 'Fix the server' : 'Accept the server\'s state'}: {item.title}</h2>
        <p className="drift-dialog-what"><strong>{label}</strong></p>
        {preview.isPending && <p className="muted">Preparing the preview…</p>}
        {preview.error && <ErrorNote error={asError(preview.error)} />}
        {preview.data && (
          <>
            {tasks.length > 0 && (
              <>
                <p className="muted">{tasks.length === 1 ? 'One task would be queued and run' : `${tasks.length} tasks would be queued and run in this order`}, exactly as shown:</p>
                <ol className="preview-tasks">
                  {tasks.map((t, i) => (
                    <li key={i}>
                      <div className="preview-task-title">{t.title}{t.serverId !== server.id ? <span className="muted"> — on {name(t.serverId)}</span> : null}</div>
                      <pre className="preview-commands">{t.commands.join('\n')}</pre>
                    </li>
                  ))}
                </ol>
              </>
            )}
            {records.length > 0 && (
              <>
                <p className="muted">Hostdeck's records change{tasks.length === 0 ? '; nothing runs on the server' : ''}:</p>
                <ul className="drift-record-changes">{records.map((r) => <li key={r}>{r}</li>)}</ul>
              </>
            )}
          </>
        )}
        {needs && (
          <label className="field">
            <span>Type <code>{needs}</code> to confirm</span>
            <input value={confirm} onChange={(e) => setConfirm(e.target.value)} aria-label="Confirm by typing the name" />
          </label>
        )}
        {resolve.error && <ErrorNote error={asError(resolve.error)} />}
        {resolve.data?.password && (
          <SecretOnce label="New password" what="The new password" secret={resolve.data.password} testId="drift-password" onDone={onClose} />
        )}
        <div className="actions">
          {!resolve.data && (
            <button className="primary" disabled={!preview.data || resolve.isPending || (needs !== null && confirm !== needs)} onClick={() => resolve.mutate()}>
              {resolve.isPending ? 'Working…' : action === 'fix' ? 'Queue these tasks' : 'Change the records'}
            </button>
          )}
          <button onClick={onClose}>{resolve.data ? 'Close' : 'Back'}</button>
        </div>
      </div>
    </div>
  );
}
