// A server's task queue (the 'queue' tab): every task in order with its status, attempts and
// duration; a task's detail shows the commands it runs (secrets masked), its output tails,
// exit code and timings. A stopped queue offers Retry (after fixing), Skip and Cancel pending; a
// task that failed because its password was lost (no OS keychain, and the app restarted) takes a
// new one in its detail and runs again. A team's dns login answers DNS tasks only: other tasks
// show no answer buttons, and the queue says why.
import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import type { Task, TaskStatus } from '../../shared/queue';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { msg } from '../i18n';
import { formatDuration, formatTime } from '../i18n/format';
import { useQueue } from './hooks';
import { taskTitle } from './task-title';

const duration = (ms: number | null) => (ms === null ? '' : formatDuration(ms));
const time = (iso: string | null) => (iso ? formatTime(iso) : '—');

/** A task status as shown (translated with t()). */
export const TASK_STATUS: Record<TaskStatus, string> = {
  pending: msg('pending'),
  running: msg('running'),
  done: msg('done'),
  failed: msg('failed'),
  skipped: msg('skipped'),
  cancelled: msg('cancelled'),
};

export function QueueTab({ server }: { server: Server }) {
  const { t } = useTranslation();
  const queue = useQueue(server.id);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const tasks = queue.data?.tasks ?? [];
  const task = tasks.find((k) => k.id === selected) ?? null;
  const pending = tasks.filter((k) => k.status === 'pending').length;
  const failed = tasks.find((k) => k.status === 'failed');
  /** Whether this login may answer the task, as the core says (a dns login: DNS tasks only). */
  const mayAnswer = (k: Task) => !queue.data?.unanswerable.includes(k.id);
  const mayCancelAll = tasks.filter((k) => k.status === 'pending').every(mayAnswer);

  async function act(method: 'queue.retry' | 'queue.skip' | 'queue.cancel', taskId?: string) {
    setError(null);
    setBusy(true);
    try {
      await client.call(method, { serverId: server.id, taskId });
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', t('That did not work.')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="queue-view" aria-label={t('Queue of {{name}}', { name: server.name })}>
      <header className="queue-head">
        <h2>{t('Task queue')}</h2>
        <span className="muted">
          {t('{{count, number}} tasks', { count: tasks.length })} · {t('{{count, number}} pending', { count: pending })}
          {queue.data && !queue.data.runnerHere && pending > 0 && !failed ? ` · ${queue.data.runnerElsewhere ? t('run by {{name}}', { name: queue.data.runnerElsewhere }) : t('run by another Hostdeck window or instance')}` : ''}
        </span>
      </header>
      {failed && (
        <div className="note note-danger queue-stopped" role="alert">
          <strong>{t('The queue is stopped:')}</strong>{' '}
          {failed.exitCode !== null ? t('“{{title}}” failed (exit {{code}}).', { title: taskTitle(failed), code: failed.exitCode }) : t('“{{title}}” failed.', { title: taskTitle(failed) })}{' '}
          {!mayAnswer(failed)
            ? t('Your team role (dns) may retry, skip or cancel DNS tasks only: an operator or an admin answers this one.')
            : failed.secretLost ? t('Its password was lost: give it a new one in its detail — or skip it.') : t('Fix the cause, then retry it — or skip it.')}
          {mayAnswer(failed) && <div className="actions">
            {failed.secretLost
              ? <button className="primary" onClick={() => setSelected(failed.id)}>{t('Set a new password…')}</button>
              : <button className="primary" disabled={busy} onClick={() => void act('queue.retry', failed.id)}>{t('Retry')}</button>}
            <button disabled={busy} onClick={() => void act('queue.skip', failed.id)}>{t('Skip')}</button>
            {mayCancelAll && <button className="danger" disabled={busy || pending === 0} onClick={() => void act('queue.cancel')}>{t('Cancel pending ({{n}})', { n: pending })}</button>}
          </div>}
        </div>
      )}
      {error && <ErrorNote error={error} />}
      {queue.error && <ErrorNote error={queue.error as AppError} />}
      {tasks.length === 0 && queue.data && <p className="muted">{t("No tasks yet. Changes to this server's sites, logins and databases become tasks here.")}</p>}
      <div className="queue-body">
        {tasks.length > 0 && (
          <table className="table queue-table">
            <thead>
              <tr><th>#</th><th>{t('Task')}</th><th>{t('Status')}</th><th>{t('Attempts')}</th><th>{t('Duration')}</th></tr>
            </thead>
            <tbody>
              {tasks.map((task) => (
                <tr key={task.id} className={`queue-row ${task.id === selected ? 'selected' : ''}`} data-status={task.status} onClick={() => setSelected(task.id === selected ? null : task.id)}>
                  <td className="num">{task.seq}</td>
                  <td><button className="link" aria-expanded={task.id === selected}>{taskTitle(task)}</button></td>
                  <td><span className={`task-status task-${task.status}`}>{t(TASK_STATUS[task.status])}</span></td>
                  <td className="num">{task.attempts}</td>
                  <td className="num">{duration(task.ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {task && <TaskDetail task={task} busy={busy} mayAnswer={mayAnswer(task)} onAct={act} />}
      </div>
    </section>
  );
}

function TaskDetail({ task, busy, mayAnswer, onAct }: { task: Task; busy: boolean; mayAnswer: boolean; onAct: (m: 'queue.retry' | 'queue.skip' | 'queue.cancel', id?: string) => Promise<void> }) {
  const { t } = useTranslation();
  return (
    <aside className="task-detail" aria-label={t('Task detail')}>
      <h3>{taskTitle(task)}</h3>
      <dl>
        <dt>{t('Status')}</dt><dd><span className={`task-status task-${task.status}`}>{t(TASK_STATUS[task.status])}</span></dd>
        <dt>{t('Kind')}</dt><dd>{task.kind}</dd>
        <dt>{t('Exit code')}</dt><dd data-testid="exit-code">{task.exitCode ?? '—'}</dd>
        <dt>{t('Attempts')}</dt><dd>{task.attempts}</dd>
        <dt>{t('Queued')}</dt><dd>{time(task.enqueuedAt)}</dd>
        <dt>{t('Started')}</dt><dd>{time(task.startedAt)}</dd>
        <dt>{t('Finished')}</dt><dd>{time(task.finishedAt)}</dd>
        <dt>{t('Duration')}</dt><dd>{duration(task.ms) || '—'}</dd>
      </dl>
      {task.status === 'failed' && task.secretLost && mayAnswer && <NewPassword key={task.id} task={task} />}
      <h4>{t('Commands')}</h4>
      <pre className="task-commands">{task.commands.join('\n')}</pre>
      <h4>stdout</h4>
      <pre className="task-out">{task.stdoutTail || t('(none)')}</pre>
      <h4>stderr</h4>
      <pre className="task-err">{task.stderrTail || t('(none)')}</pre>
      <div className="actions">
        {task.status === 'failed' && mayAnswer && (
          <>
            {!task.secretLost && <button className="primary" disabled={busy} onClick={() => void onAct('queue.retry', task.id)}>{t('Retry this task')}</button>}
            <button disabled={busy} onClick={() => void onAct('queue.skip', task.id)}>{t('Skip this task')}</button>
          </>
        )}
        {task.status === 'pending' && mayAnswer && <button className="danger" disabled={busy} onClick={() => void onAct('queue.cancel', task.id)}>{t('Cancel this task')}</button>}
      </div>
      {!mayAnswer && (task.status === 'failed' || task.status === 'pending') && <p className="muted task-no-answer">{t('Your team role (dns) may retry, skip or cancel DNS tasks only; ask an operator or an admin.')}</p>}
    </aside>
  );
}

/** A new password for a task whose own was lost: held like the first, then the task runs again. */
function NewPassword({ task }: { task: Task }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const retry = useMutation({
    mutationFn: () => client.call('queue.retryWithPassword', { serverId: task.serverId, taskId: task.id, password }),
    onSuccess: () => setPassword(''),
  });
  const error = retry.error instanceof AppError ? retry.error : retry.error ? new AppError('internal', t('That did not work.')) : null;
  return (
    <form
      className="task-recover note note-warn"
      aria-label={t('New password for this task')}
      onSubmit={(e) => {
        e.preventDefault();
        retry.mutate();
      }}
    >
      <p>
        {t("This task's password was lost before it ran (it was held in memory only, or is no longer in the OS keychain). Give it a new one: it is set when the task runs again. Hostdeck keeps it only until then, so tell its user now.")}
      </p>
      <Field name="password" label={t('New password')} error={error?.fields?.password}>
        <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </Field>
      {error && !error.fields?.password && <ErrorNote error={error} />}
      <div className="actions">
        <button type="submit" className="primary" disabled={retry.isPending || password === ''}>{t('Set password and retry')}</button>
      </div>
    </form>
  );
}
