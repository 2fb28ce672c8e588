// "Preview" of any hosting change: the tasks it would queue, each with its title and exact
// commands (secrets masked by the core), before anything is recorded or queued. "Queue these
// tasks" does what the form's own button does; "Back" (or Escape) returns to the form.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { HostingChange } from '../../shared/api/hosting';
import type { Output } from '../../shared/api';
import { client } from '../client/client';
import type { useAction } from './common';
import { taskTitle } from '../queue/task-title';

export type PreviewTask = Output<'hosting.preview'>['tasks'][number];
type Shown = { title: string; tasks: PreviewTask[]; queue: (() => Promise<unknown>) | null; blocked?: string };

/**
 * A form's preview: `open` asks the core for the change's tasks (errors land in the form's
 * action, next to its fields) and shows them; `show` does the same with another method's tasks
 * (e.g. tls.preview); `dialog` is to be rendered by the form. Without `queue` (a confirmation not
 * typed yet) the dialog says `blocked` instead of offering to queue.
 */
export function usePreview(serverId: string, action: ReturnType<typeof useAction>) {
  const [shown, setShown] = useState<Shown | null>(null);
  const show = (title: string, load: () => Promise<PreviewTask[]>, queue: (() => Promise<unknown>) | null, blocked?: string) =>
    action.run(async () => {
      setShown({ title, tasks: await load(), queue, blocked });
    });
  const open = (title: string, change: HostingChange, queue: (() => Promise<unknown>) | null, blocked?: string) =>
    show(title, async () => (await client.call('hosting.preview', { serverId, change })).tasks, queue, blocked);
  const queue = shown?.queue;
  const dialog = shown && (
    <PreviewDialog
      title={shown.title}
      tasks={shown.tasks}
      busy={action.busy}
      blocked={shown.blocked}
      onQueue={queue ? () => {
        setShown(null);
        void queue();
      } : null}
      onBack={() => setShown(null)}
    />
  );
  return { open, show, dialog };
}

type DialogProps = { title: string; tasks: PreviewTask[]; busy: boolean; blocked?: string; onQueue: (() => void) | null; onBack: () => void };

export function PreviewDialog({ title, tasks, busy, blocked, onQueue, onBack }: DialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  // Focus goes back where it was (the Preview button) when the dialog closes.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => before?.focus();
  }, []);

  return (
    <div className="modal-backdrop">
      <div ref={ref} className="panel modal preview-dialog" role="dialog" aria-modal="true" aria-label={t('Preview: {{title}}', { title })} onKeyDown={(e) => trapKeys(e, ref.current, onBack)}>
        <h2>{t('Preview: {{title}}', { title })}</h2>
        <p className="muted">{t('{{count, number}} tasks would be queued and run in this order, on the server exactly as shown. Nothing is recorded or queued yet.', { count: tasks.length })}</p>
        <ol className="preview-tasks">
          {tasks.map((task, i) => (
            <li key={i} data-kind={task.kind}>
              <div className="preview-task-head">
                <strong>{taskTitle(task)}</strong> <span className="muted mono">{task.kind}</span>
              </div>
              <pre className="preview-commands" tabIndex={0} aria-label={t('Commands of {{title}}', { title: taskTitle(task) })}>{task.commands.join('\n')}</pre>
            </li>
          ))}
        </ol>
        {!onQueue && blocked && <p className="note note-warn">{blocked}</p>}
        <div className="actions">
          {onQueue && <button type="button" className="primary" disabled={busy} onClick={onQueue} autoFocus>{t('Queue these tasks')}</button>}
          <button type="button" onClick={onBack} autoFocus={!onQueue}>{t('Back')}</button>
        </div>
      </div>
    </div>
  );
}

/** Escape closes; Tab stays inside the dialog (shared by the hosting dialogs). */
export function trapKeys(e: KeyboardEvent, root: HTMLElement | null, onClose: () => void): void {
  if (e.key === 'Escape') {
    e.preventDefault();
    onClose();
    return;
  }
  if (e.key !== 'Tab' || !root) return;
  const focusable = [...root.querySelectorAll<HTMLElement>('button:not(:disabled), input:not(:disabled), [tabindex="0"]')];
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) return;
  if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}
