// A server's task queue (the 'queue' tab): every task in order with its status, attempts and
// duration; a task's detail shows the commands it runs (secrets masked), its output tails,
// exit code and timings. A stopped queue offers Retry (after fixing), Skip and Cancel pending; a
// task that failed because its password was lost (no OS keychain, and the app restarted) takes a
// new one in its detail and runs again.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import type { Task } from '../../shared/queue';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { useQueue } from './hooks';

const duration = (ms: number | null) => (ms === null ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString() : '—');

export function QueueTab({ server }: { server: Server }) {
  const queue = useQueue(server.id);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const tasks = queue.data?.tasks ?? [];
  const task = tasks.find((t) => t.id === selected) ?? null;
  const pending = tasks.filter((t) => t.status === 'pending').length;
  const failed = tasks.find((t) => t.status === 'failed');

  async function act(method: 'queue.retry' | 'queue.skip' | 'queue.cancel', taskId?: string) {
    setError(null);
    setBusy(true);
    try {
      await client.call(method, { serverId: server.id, taskId });
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', 'That did not work.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="queue-view" aria-label={`Queue of ${server.name}`}>
      <header className="queue-head">
        <h2>Task queue</h2>
        <span className="muted">
          {tasks.length} tasks · {pending} pending
          {queue.data && !queue.data.runnerHere && pending > 0 && !failed ? ' · run by another Hostdeck window or instance' : ''}
        </span>
      </header>
      {failed && (
        <div className="note note-danger queue-stopped" role="alert">
          <strong>The queue is stopped:</strong> “{failed.title}” failed{failed.exitCode !== null ? ` (exit ${failed.exitCode})` : ''}.{' '}
          {failed.secretLost ? 'Its password was lost: give it a new one in its detail — or skip it.' : 'Fix the cause, then retry it — or skip it.'}
          <div className="actions">
            {failed.secretLost
              ? <button className="primary" onClick={() => setSelected(failed.id)}>Set a new password…</button>
              : <button className="primary" disabled={busy} onClick={() => void act('queue.retry', failed.id)}>Retry</button>}
            <button disabled={busy} onClick={() => void act('queue.skip', failed.id)}>Skip</button>
            <button className="danger" disabled={busy || pending === 0} onClick={() => void act('queue.cancel')}>Cancel pending ({pending})</button>
          </div>
        </div>
      )}
      {error && <ErrorNote error={error} />}
      {queue.error && <ErrorNote error={queue.error as AppError} />}
      {tasks.length === 0 && queue.data && <p className="muted">No tasks yet. Changes to this server's sites, logins and databases become tasks here.</p>}
      <div className="queue-body">
        {tasks.length > 0 && (
          <table className="table queue-table">
            <thead>
              <tr><th>#</th><th>Task</th><th>Status</th><th>Attempts</th><th>Duration</th></tr>
            </thead>
            <tbody>
              {tasks.map((t) => (
                <tr key={t.id} className={`queue-row ${t.id === selected ? 'selected' : ''}`} data-status={t.status} onClick={() => setSelected(t.id === selected ? null : t.id)}>
                  <td className="num">{t.seq}</td>
                  <td><button className="link" aria-expanded={t.id === selected}>{t.title}</button></td>
                  <td><span className={`task-status task-${t.status}`}>{t.status}</span></td>
                  <td className="num">{t.attempts}</td>
                  <td className="num">{duration(t.ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {task && <TaskDetail task={task} busy={busy} onAct={act} />}
      </div>
    </section>
  );
}

function TaskDetail({ task, busy, onAct }: { task: Task; busy: boolean; onAct: (m: 'queue.retry' | 'queue.skip' | 'queue.cancel', id?: string) => Promise<void> }) {
  return (
    <aside className="task-detail" aria-label="Task detail">
      <h3>{task.title}</h3>
      <dl>
        <dt>Status</dt><dd><span className={`task-status task-${task.status}`}>{task.status}</span></dd>
        <dt>Kind</dt><dd>{task.kind}</dd>
        <dt>Exit code</dt><dd data-testid="exit-code">{task.exitCode ?? '—'}</dd>
        <dt>Attempts</dt><dd>{task.attempts}</dd>
        <dt>Queued</dt><dd>{time(task.enqueuedAt)}</dd>
        <dt>Started</dt><dd>{time(task.startedAt)}</dd>
        <dt>Finished</dt><dd>{time(task.finishedAt)}</dd>
        <dt>Duration</dt><dd>{duration(task.ms) || '—'}</dd>
      </dl>
      {task.status === 'failed' && task.secretLost && <NewPassword key={task.id} task={task} />}
      <h4>Commands</h4>
      <pre className="task-commands">{task.commands.join('\n')}</pre>
      <h4>stdout</h4>
      <pre className="task-out">{task.stdoutTail || '(none)'}</pre>
      <h4>stderr</h4>
      <pre className="task-err">{task.stderrTail || '(none)'}</pre>
      <div className="actions">
        {task.status === 'failed' && (
          <>
            {!task.secretLost && <button className="primary" disabled={busy} onClick={() => void onAct('queue.retry', task.id)}>Retry this task</button>}
            <button disabled={busy} onClick={() => void onAct('queue.skip', task.id)}>Skip this task</button>
          </>
        )}
        {task.status === 'pending' && <button className="danger" disabled={busy} onClick={() => void onAct('queue.cancel', task.id)}>Cancel this task</button>}
      </div>
    </aside>
  );
}

/** A new password for a task whose own was lost: held like the first, then the task runs again. */
function NewPassword({ task }: { task: Task }) {
  const [password, setPassword] = useState('');
  const retry = useMutation({
    mutationFn: () => client.call('queue.retryWithPassword', { serverId: task.serverId, taskId: task.id, password }),
    onSuccess: () => setPassword(''),
  });
  const error = retry.error instanceof AppError ? retry.error : retry.error ? new AppError('internal', 'That did not work.') : null;
  return (
    <form
      className="task-recover note note-warn"
      aria-label="New password for this task"
      onSubmit={(e) => {
        e.preventDefault();
        retry.mutate();
      }}
    >
      <p>
        This task's password was lost before it ran (it was held in memory only, or is no longer in the OS keychain). Give it a new
        one: it is set when the task runs again. Hostdeck keeps it only until then, so tell its user now.
      </p>
      <Field name="password" label="New password" error={error?.fields?.password}>
        <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </Field>
      {error && !error.fields?.password && <ErrorNote error={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={retry.isPending || password === ''}>Set password and retry</button>
      </div>
    </form>
  );
}
