// A site's cron jobs: each with its schedule (and how it reads: "every day at 03:00"), its
// command and its last run from the site's log; Add / Edit (schedule and command, errors under
// their fields, a Preview of the task), Remove, and Run now, whose output is shown as it comes
// (cron.output events for the run id this window made up) until the run ends with its exit code.
// In a team an add, edit or removal is based on the version of the site the form was opened (or
// the list shown) at: someone else's change since shows both (ConflictNote) and asks which stays.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SiteRecord } from '../../shared/api/hosting';
import { cronLogPath, type CronJob, type CronLastRun } from '../../shared/cron';
import { describeSchedule } from './cron-text';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { i18n } from '../i18n';
import { Field, FormError, asError, useAction } from './common';
import { usePreview } from './PreviewDialog';
import { sendBased, useShownSiteVersion, useSiteBase } from './site-version';
import { ConflictNote, conflictOf, type Conflict } from '../team/ConflictNote';

// A command line, the same in every language.
const COMMAND_EXAMPLE = 'php public_html/cron.php';

type Props = { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void> };
type Run = { jobId: string; runId: string; output: string; done: { exitCode: number | null; stillRunning: boolean } | null; error?: string };

/** The output of runs this window started, as it comes. */
function useRun(onEnd: () => void) {
  const [run, setRun] = useState<Run | null>(null);
  const current = useRef<string | null>(null);
  const ended = useRef(onEnd);
  ended.current = onEnd;
  useEffect(() => {
    const offOut = client.on('cron.output', ({ runId, data }) => {
      if (runId === current.current) setRun((r) => (r && r.runId === runId ? { ...r, output: r.output + data } : r));
    });
    const offDone = client.on('cron.done', ({ runId, exitCode, stillRunning }) => {
      if (runId !== current.current) return;
      setRun((r) => (r && r.runId === runId ? { ...r, done: { exitCode, stillRunning } } : r));
      ended.current();
    });
    return () => { offOut(); offDone(); };
  }, []);
  const start = async (serverId: string, site: string, jobId: string) => {
    const runId = crypto.randomUUID();
    current.current = runId;
    setRun({ jobId, runId, output: '', done: null });
    try {
      await client.call('hosting.runCronJob', { serverId, site, id: jobId, runId });
    } catch (error) {
      setRun({ jobId, runId, output: '', done: null, error: asError(error).message });
    }
  };
  return { run, start, close: () => { current.current = null; setRun(null); } };
}

/** The site's jobs as one line each (what a conflict note compares). */
const jobsText = (jobs: CronJob[]): string => jobs.map((j) => `${j.schedule} ${j.command}`).join('; ');

const CRON_LABELS = (t: TFunction, editing: boolean): Record<string, string> => ({ ...(editing ? { schedule: t('Schedule'), command: t('Command') } : {}), jobs: t('Cron jobs') });

/** A conflict with their side shown as the job (by id) and the site's jobs. */
function cronConflict(conflict: Conflict | null, jobId: string | undefined): Conflict | null {
  if (!conflict?.theirs) return conflict;
  const jobs = (conflict.theirs.data as unknown as SiteRecord).cron ?? [];
  const job = jobs.find((j) => j.id === jobId);
  return { ...conflict, theirs: { ...conflict.theirs, data: { schedule: job?.schedule, command: job?.command, jobs: jobsText(jobs) } } };
}

function lastRunText(run: CronLastRun | undefined): string {
  if (!run) return i18n.t('not run yet');
  if (run.note === 'running') return i18n.t('running since {{at}}', { at: run.at });
  if (run.note) return `${run.at}: ${run.note}`;
  return i18n.t('last run {{at}}, exit {{code}}', { at: run.at, code: run.exitCode });
}

export function CronJobs({ server, site, onChanged }: Props) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<CronJob | 'new' | null>(null);
  const queryClient = useQueryClient();
  const runsKey = ['hosting.cronLastRuns', server.id, site.name];
  const runs = useQuery({ queryKey: runsKey, queryFn: () => client.call('hosting.cronLastRuns', { serverId: server.id, site: site.name }), enabled: site.cron.length > 0, retry: false });
  const { run, start, close } = useRun(() => void queryClient.invalidateQueries({ queryKey: runsKey }));
  const remove = useAction();
  const shownVersion = useShownSiteVersion(server.id, site.name);
  const [removing, setRemoving] = useState<CronJob | null>(null);
  const removeJob = (job: CronJob, based = shownVersion()) =>
    remove.run(async () => {
      setRemoving(job);
      await sendBased(site, based, (v) => client.call('hosting.removeCronJob', { serverId: server.id, site: site.name, id: job.id, ...v }));
      await onChanged(t('Removal of the cron job "{{command}}" of {{site}} queued on {{server}}.', { command: job.command, site: site.name, server: server.name }));
    });
  const suspended = site.status === 'suspended';
  const lastOf = (id: string) => runs.data?.runs.find((r) => r.id === id);

  return (
    <section className="site-part cron-jobs" data-site={site.name} aria-label={t('Cron jobs of {{site}}', { site: site.name })}>
      <h4>{t('Cron jobs')}</h4>
      {site.cron.length === 0 ? <p className="muted">{t('No cron jobs.')}</p> : (
        <ul className="item-list">
          {site.cron.map((job) => (
            <li key={job.id} data-job={job.id}>
              <span className="item-main">
                <span><code>{job.schedule}</code>{describeSchedule(job.schedule) ? <span className="muted"> · {describeSchedule(job.schedule)}</span> : null}</span>
                <code className="cron-command">{job.command}</code>
                <span className="item-sub" data-testid="cron-last-run">{runs.isError ? t('last run unknown (the log could not be read)') : lastRunText(lastOf(job.id))}</span>
              </span>
              <span className="item-actions">
                <button className="link" disabled={suspended || (run !== null && run.done === null && !run.error)} title={suspended ? t('The site is suspended: its jobs do not run') : t('Run it now as {{site}}', { site: site.name })} onClick={() => void start(server.id, site.name, job.id)} aria-label={t('Run now: {{command}}', { command: job.command })}>{t('Run now')}</button>
                <button className="link" onClick={() => setEditing(job)} aria-label={t('Edit: {{command}}', { command: job.command })}>{t('Edit')}</button>
                <button className="link danger" disabled={remove.busy} onClick={() => void removeJob(job)} aria-label={t('Remove: {{command}}', { command: job.command })}>{t('Remove')}</button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {removing && conflictOf(remove.error) ? (
        <ConflictNote
          conflict={cronConflict(conflictOf(remove.error), removing.id)!}
          yours={{ jobs: jobsText(site.cron.filter((j) => j.id !== removing.id)) }}
          labels={CRON_LABELS(t, false)}
          busy={remove.busy}
          onOverwrite={(theirVersion) => void removeJob(removing, theirVersion)}
          onTakeTheirs={() => remove.clear()}
        />
      ) : remove.error && <ErrorNote error={remove.error} />}
      {run && <RunOutput run={run} job={site.cron.find((j) => j.id === run.jobId)} onClose={close} />}
      {editing
        ? <CronForm key={editing === 'new' ? 'new' : editing.id} server={server} site={site} job={editing === 'new' ? null : editing} onCancel={() => setEditing(null)} onDone={async (m) => { setEditing(null); await onChanged(m); }} />
        : <div className="actions"><button onClick={() => setEditing('new')}>{t('Add cron job')}</button></div>}
      <p className="muted">{t('Each job runs as')} <code>{site.name}</code>, {t('never twice at once; output and exit codes go to')} <code>{cronLogPath(site.name)}</code>.</p>
    </section>
  );
}

function RunOutput({ run, job, onClose }: { run: Run; job: CronJob | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const status = run.error ? run.error
    : !run.done ? t('Running…')
    : run.done.stillRunning ? t('Not started: its previous run is still running.')
    : t('Ended with exit {{code}}.', { code: run.done.exitCode ?? '?' });
  const failed = Boolean(run.error) || (run.done !== null && (run.done.stillRunning || run.done.exitCode !== 0));
  return (
    <div className={`note ${failed ? 'note-warn' : run.done ? 'note-ok' : ''} cron-run`} role="status" aria-label={t('Run of {{command}}', { command: job?.command ?? run.jobId })}>
      <p><strong>{t('Run now')}</strong>{job ? <> · <code>{job.command}</code></> : null}</p>
      <pre className="preview-commands cron-output" data-testid="cron-output" tabIndex={0}>{run.output === '' && !run.done ? t('(no output yet)') : run.output}</pre>
      <p data-testid="cron-run-status">{status}</p>
      <div className="actions"><button onClick={onClose} disabled={!run.done && !run.error}>{t('Close')}</button></div>
    </div>
  );
}

type FormProps = { server: Server; site: SiteRecord; job: CronJob | null; onCancel: () => void; onDone: (message: string) => Promise<void> };

function CronForm({ server, site, job, onCancel, onDone }: FormProps) {
  const { t } = useTranslation();
  const [schedule, setSchedule] = useState(job?.schedule ?? '');
  const [command, setCommand] = useState(job?.command ?? '');
  const [base, setBase] = useSiteBase(server.id, site.name);
  const [shown] = useState(site);
  const action = useAction();
  const conflict = cronConflict(conflictOf(action.error), job?.id);
  const preview = usePreview(server.id, action);
  const f = action.fields;
  const input = { site: site.name, ...(job ? { id: job.id } : {}), schedule, command };
  const reading = describeSchedule(schedule);

  const save = (based = base) =>
    action.run(async () => {
      await sendBased(shown, based, (v) => client.call('hosting.setCronJob', { serverId: server.id, ...input, ...v }));
      await onDone(job ? t('Change of the cron job of {{site}} queued on {{server}}.', { site: site.name, server: server.name }) : t('New cron job of {{site}} queued on {{server}}.', { site: site.name, server: server.name }));
    });
  function submit(event: FormEvent) {
    event.preventDefault();
    void save();
  }
  function keys(event: KeyboardEvent) {
    if (event.key === 'Escape') { event.stopPropagation(); onCancel(); }
  }

  return (
    <form className="form sub-form cron-form" onSubmit={submit} onKeyDown={keys} aria-label={job ? t('Edit a cron job of {{site}}', { site: site.name }) : t('Add a cron job of {{site}}', { site: site.name })}>
      {conflict ? (
        <ConflictNote
          conflict={conflict}
          yours={{ schedule, command, jobs: jobsText(job ? site.cron.map((j) => (j.id === job.id ? { ...j, schedule, command } : j)) : [...site.cron, { id: '', schedule, command }]) }}
          labels={CRON_LABELS(t, job !== null)}
          busy={action.busy}
          onOverwrite={(theirVersion) => {
            setBase(theirVersion);
            void save(theirVersion);
          }}
          onTakeTheirs={onCancel}
        />
      ) : <FormError error={action.error} />}
      <Field name="schedule" label={t('Schedule')} error={f.schedule} hint={reading ? t('Runs {{reading}}', { reading }) : t('minute hour day month weekday, like 0 3 * * * or */5 * * * *; or @hourly, @daily, @weekly, @monthly')}>
        <input value={schedule} onChange={(e) => setSchedule(e.target.value)} spellCheck={false} autoComplete="off" autoFocus placeholder="0 3 * * *" />
      </Field>
      <Field name="command" label={t('Command')} error={f.command} hint={t('Run by sh as {{site}} in /home/{{site}}, exactly as typed (one line)', { site: site.name })}>
        <input value={command} onChange={(e) => setCommand(e.target.value)} spellCheck={false} autoComplete="off" placeholder={COMMAND_EXAMPLE} />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>{job ? t('Save job') : t('Add job')}</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.open(job ? t('Change a cron job of {{site}}', { site: site.name }) : t('Add a cron job of {{site}}', { site: site.name }), { op: 'setCronJob', input }, () => save())}>{t('Preview')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
      {preview.dialog}
    </form>
  );
}
