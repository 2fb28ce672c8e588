// A site's backups (restic on the server): the last backup and the policy in effect, Back up now,
// Check repository, the settings (the server's repository folder and policy, this site's own
// policy), the progress and output of the site's latest backup task, the snapshots grouped by
// backup run, and the restores: files of a run browsed folder by folder and restored beside
// (~/restored-<date>/) or in place (site name typed), a database into a scratch copy or in its
// place (its name typed), the whole site (its name typed). A scratch copy can be dropped here.
// In a team the settings are saved against the version they were opened at: someone else's
// change since shows both (ConflictNote) and asks which stays.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_POLICY, DEFAULT_REPO_PATH, maxAgeHours, type BackupPolicy, type BackupState, type RepoTarget, type Snapshot, type SnapshotEntry } from '../../shared/api/backups';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { useQueue } from '../queue/hooks';
import { TASK_STATUS } from '../queue/QueueTab';
import { taskTitle } from '../queue/task-title';
import { useServers } from '../client/hooks';
import { BackupPlace, folderFor, placeName } from './BackupPlace';
import { Field, FormError, asError, useAction } from './common';
import { usePreview } from './PreviewDialog';
import { basedOn } from './site-version';
import { ConflictNote, conflictOf } from '../team/ConflictNote';
import { formatDateTime, formatDuration } from '../i18n/format';
import { i18n } from '../i18n';

type Props = { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void> };
type Run = { run: string; time: string; files: Snapshot | null; dbs: Snapshot[] };
type Dialog = { kind: 'files'; run: Run } | { kind: 'db'; snap: Snapshot } | { kind: 'site'; run: Run } | { kind: 'settings' } | null;

const KINDS = new Set(['backup.site', 'backup.restore-files', 'backup.restore-db', 'backup.check', 'backup.drop-scratch', 'backup.sftp-client', 'backup.sftp-forget']);
/** Tasks of the server's repository, not of one site: shown in every site's section. */
const REPO_KINDS = new Set(['backup.check', 'backup.sftp-client', 'backup.sftp-forget']);

export function age(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return i18n.t('just now');
  if (minutes < 60) return i18n.t('{{minutes}} min ago', { minutes });
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? i18n.t('{{hours}} h ago', { hours }) : i18n.t('{{count, number}} days ago', { count: Math.floor(hours / 24) });
}

export function scheduleText(policy: BackupPolicy): string {
  const s = policy.schedule;
  const when = s.kind === 'off' ? i18n.t('not scheduled') : s.kind === 'daily' ? i18n.t('daily at {{at}}', { at: s.at }) : i18n.t('every {{hours}} h', { hours: s.hours });
  const k = policy.keep;
  return i18n.t('{{when}}; keeps {{daily}} daily, {{weekly}} weekly, {{monthly}} monthly', { when, daily: k.daily, weekly: k.weekly, monthly: k.monthly });
}

function runsOf(snapshots: Snapshot[]): Run[] {
  const runs = new Map<string, Run>();
  for (const s of snapshots) {
    const key = s.run ?? s.id;
    const run = runs.get(key) ?? { run: key, time: s.time, files: null, dbs: [] };
    if (s.kind === 'files') run.files = s;
    else run.dbs.push(s);
    if (s.time < run.time) run.time = s.time;
    runs.set(key, run);
  }
  return [...runs.values()].sort((a, b) => b.time.localeCompare(a.time));
}

const when = (iso: string) => formatDateTime(iso);

export function Backups({ server, site, onChanged }: Props) {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<Dialog>(null);
  const queryClient = useQueryClient();
  const state = useQuery({ queryKey: ['backups.state', server.id], queryFn: () => client.call('backups.state', { serverId: server.id }) });
  // The last backup's age and its colour follow the clock while the section stays open.
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const snaps = useQuery({ queryKey: ['backups.snapshots', server.id, site.name], queryFn: () => client.call('backups.snapshots', { serverId: server.id, site: site.name }), enabled: state.data?.hasPassword === true, retry: false });
  const tasks = useQueue(server.id).data?.tasks ?? [];
  const servers = useServers().data ?? [];
  const mine = tasks.filter((task) => KINDS.has(task.kind) && (task.params.site === site.name || REPO_KINDS.has(task.kind)));
  const latest = mine.at(-1);
  const latestKey = latest ? `${latest.id}:${latest.status}` : '';
  // A backup or restore that ended changes the snapshots and the last backup.
  useEffect(() => {
    if (!latest || (latest.status !== 'done' && latest.status !== 'failed')) return;
    void queryClient.invalidateQueries({ queryKey: ['backups.snapshots', server.id, site.name] });
    void queryClient.invalidateQueries({ queryKey: ['backups.state', server.id] });
  }, [latestKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const action = useAction();
  const backUp = () => action.run(async () => {
    await client.call('backups.backUpNow', { serverId: server.id, site: site.name });
    await onChanged(t('Backup of {{site}} queued on {{server}}.', { site: site.name, server: server.name }));
  });
  const check = () => action.run(async () => {
    await client.call('backups.check', { serverId: server.id });
    await onChanged(t('Check of the backup repository queued on {{server}}.', { server: server.name }));
  });
  const done = async (message: string) => {
    setDialog(null);
    await queryClient.invalidateQueries({ queryKey: ['backups.state', server.id] });
    await onChanged(message);
  };

  const s = state.data;
  const policy = s ? s.sitePolicies[site.name] ?? s.policy : null;
  const last = s?.last[site.name];
  const allowed = policy ? maxAgeHours(policy.schedule) : null;
  const stale = Boolean(allowed !== null && last && (!last.okAt || now - Date.parse(last.okAt) > allowed * 3_600_000));

  return (
    <section className="site-part backups" data-site={site.name} aria-label={t('Backups of {{site}}', { site: site.name })}>
      <h4>{t('Backups')}</h4>
      {state.isError && <ErrorNote error={asError(state.error)} />}
      {s && !s.hasPassword ? (
        <p className="muted">{t('Backups are not set up on {{server}}: open', { server: server.name })} <strong>{t('Backup settings…')}</strong> {t('to choose the repository folder and the policy (Hostdeck then makes the repository password and keeps it in the OS keychain).')}</p>
      ) : s && policy ? (
        <p data-testid="backup-last" className={stale ? 'backup-stale' : ''}>
          {last ? <>{t('Last backup {{age}}', { age: age(last.okAt ?? last.at, now) })}{last.ok ? '' : <strong> · {t('the latest one failed')}</strong>}{last.okAt ? '' : t(' (none succeeded yet)')}</> : t('Not backed up yet')}
          <span className="muted"> · {scheduleText(policy)}{s.sitePolicies[site.name] ? t(' (own policy)') : ''}</span>
        </p>
      ) : null}
      <div className="actions">
        <button className="primary" disabled={action.busy || !s?.hasPassword} onClick={() => void backUp()}>{t('Back up now')}</button>
        <button disabled={action.busy || !s?.hasPassword} onClick={() => void check()}>{t('Check repository')}</button>
        <button onClick={() => setDialog({ kind: 'settings' })}>{t('Backup settings…')}</button>
      </div>
      <FormError error={action.error} />
      {latest && <TaskProgress task={latest} />}
      {dialog?.kind === 'settings' && s && <SettingsForm server={server} site={site} state={s} onDone={done} onCancel={() => setDialog(null)} />}
      {snaps.isError && <ErrorNote error={asError(snaps.error)} />}
      {snaps.data && (snaps.data.snapshots.length === 0 ? <p className="muted">{t('No snapshots of this site yet.')}</p> : (
        <ul className="item-list backup-runs" aria-label={t('Snapshots of {{site}}', { site: site.name })}>
          {runsOf(snaps.data.snapshots).map((run) => (
            <li key={run.run} data-run={run.run}>
              <span className="item-main">
                <span>{when(run.time)}</span>
                <span className="item-sub">
                  {run.files ? <>{t('files')} <code>{run.files.shortId}</code></> : t('no files')}
                  {run.dbs.map((d) => <span key={d.id}> · {d.db} <code>{d.shortId}</code></span>)}
                </span>
              </span>
              <span className="item-actions">
                {run.files && <button className="link" onClick={() => setDialog({ kind: 'files', run })} aria-label={t('Restore files from {{time}}', { time: when(run.time) })}>{t('Files…')}</button>}
                {run.dbs.map((d) => <button key={d.id} className="link" onClick={() => setDialog({ kind: 'db', snap: d })} aria-label={t('Restore database {{db}} from {{time}}', { db: d.db, time: when(run.time) })}>{d.db}…</button>)}
                {run.files && run.run !== run.files.id && <button className="link danger" onClick={() => setDialog({ kind: 'site', run })} aria-label={t('Restore the whole site from {{time}}', { time: when(run.time) })}>{t('Whole site…')}</button>}
              </span>
            </li>
          ))}
        </ul>
      ))}
      {dialog?.kind === 'files' && <RestoreFiles key={dialog.run.run} server={server} site={site} run={dialog.run} onDone={done} onCancel={() => setDialog(null)} />}
      {dialog?.kind === 'db' && <RestoreDb key={dialog.snap.id} server={server} site={site} snap={dialog.snap} onDone={onChanged} onCancel={() => setDialog(null)} />}
      {dialog?.kind === 'site' && <RestoreSite server={server} site={site} run={dialog.run} onDone={done} onCancel={() => setDialog(null)} />}
      <p className="muted">{t('restic on {{server}}: the home without', { server: server.name })} <code>logs</code>, <code>tmp</code> {t('and caches, and each database as a consistent dump')}{s?.hasPassword ? <>, {t('into')} <code>{s.repoPath}</code> {t('on')} {s.target.kind === 'server' ? <strong data-testid="backup-place">{placeName(server, s.target, servers)} {t('(over SFTP)')}</strong> : t('this server')}</> : ''}; {t('the repository password lives only in this computer\'s keychain.')}</p>
    </section>
  );
}

/** The latest backup task of the site: its status and, once it ends, its output. */
function TaskProgress({ task }: { task: Task }) {
  const { t } = useTranslation();
  const running = task.status === 'pending' || task.status === 'running';
  const out = `${task.stdoutTail ?? ''}${task.stderrTail ?? ''}`.trim();
  return (
    <div className={`note ${task.status === 'failed' ? 'note-error' : task.status === 'done' ? 'note-ok' : ''} backup-task`} role="status" aria-label={t('Backup task')}>
      <p><strong>{taskTitle(task)}</strong>: <span data-testid="backup-task-status">{running ? `${t(TASK_STATUS[task.status])}…` : t(TASK_STATUS[task.status])}</span>{task.ms !== null && !running ? <span className="muted"> · {formatDuration(task.ms)}</span> : null}</p>
      {out && <pre className="preview-commands backup-output" tabIndex={0}>{out}</pre>}
    </div>
  );
}

function Dialog({ label, children, onCancel, onSubmit }: { label: string; children: ReactNode; onCancel: () => void; onSubmit: () => void }) {
  function keys(event: KeyboardEvent) {
    if (event.key === 'Escape') { event.stopPropagation(); onCancel(); }
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit();
  }
  return <form className="form sub-form backup-dialog" role="dialog" aria-label={label} onKeyDown={keys} onSubmit={submit}>{children}</form>;
}

function PolicyFields({ policy, set, fields, prefix }: { policy: BackupPolicy; set: (p: BackupPolicy) => void; fields: Record<string, string>; prefix: string }) {
  const { t } = useTranslation();
  const sched = policy.schedule;
  const keep = (k: 'daily' | 'weekly' | 'monthly', label: string) => (
    <Field name={`${prefix}keep.${k}`} label={label} error={fields[`${prefix}keep.${k}`]}>
      <input type="number" min={0} value={policy.keep[k]} onChange={(e) => set({ ...policy, keep: { ...policy.keep, [k]: Number(e.target.value) } })} />
    </Field>
  );
  return (
    <div className="backup-policy">
      <Field name={`${prefix}schedule`} label={t('Schedule')} error={fields[`${prefix}schedule`] ?? fields[`${prefix}schedule.at`] ?? fields[`${prefix}schedule.hours`]}>
        <span className="inline-fields">
          <select value={sched.kind} onChange={(e) => set({ ...policy, schedule: e.target.value === 'off' ? { kind: 'off' } : e.target.value === 'daily' ? { kind: 'daily', at: '03:00' } : { kind: 'every', hours: 6 } })} aria-label={t('Schedule kind')}>
            <option value="daily">{t('daily at')}</option>
            <option value="every">{t('every N hours')}</option>
            <option value="off">{t('off (on demand only)')}</option>
          </select>
          {sched.kind === 'daily' && <input value={sched.at} onChange={(e) => set({ ...policy, schedule: { kind: 'daily', at: e.target.value } })} aria-label={t('Time (HH:MM)')} size={6} />}
          {sched.kind === 'every' && <input type="number" min={1} max={168} value={sched.hours} onChange={(e) => set({ ...policy, schedule: { kind: 'every', hours: Number(e.target.value) } })} aria-label={t('Hours')} />}
        </span>
      </Field>
      {keep('daily', t('Keep daily'))}
      {keep('weekly', t('Keep weekly'))}
      {keep('monthly', t('Keep monthly'))}
    </div>
  );
}

function SettingsForm({ server, site, state, onDone, onCancel }: { server: Server; site: SiteRecord; state: BackupState; onDone: (m: string) => Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation();
  const [repoPath, setRepoPath] = useState(state.repoPath || DEFAULT_REPO_PATH);
  const [target, setTarget] = useState<RepoTarget>(state.target);
  const [policy, setPolicy] = useState<BackupPolicy>(state.policy ?? DEFAULT_POLICY);
  const [own, setOwn] = useState<BackupPolicy | null>(state.sitePolicies[site.name] ?? null);
  const servers = useServers().data ?? [];
  // The version the edit is based on: the one the form was opened at (or theirs, once the user chose).
  const [base, setBase] = useState(state.version);
  const action = useAction();
  const preview = usePreview(server.id, action);
  const save = (based = base) => action.run(async () => {
    const saved = await client.call('backups.setSettings', { serverId: server.id, repoPath, policy, target, ...basedOn(based) });
    await client.call('backups.setSitePolicy', { serverId: server.id, site: site.name, policy: own, ...basedOn(saved.version) });
    const { tasks } = saved;
    await onDone(tasks.length ? t('Backup settings of {{server}} saved; {{count, number}} setup tasks queued.', { server: server.name, count: tasks.length }) : t('Backup settings of {{server}} saved.', { server: server.name }));
  });
  // Another server (now or before): the SSH setup or removal it queues is shown first; queueing it saves.
  const ssh = target.kind === 'server' || state.target.kind === 'server';
  const submit = (based = base) => (ssh
    ? preview.show(t('backups of {{server}} on {{place}}', { server: server.name, place: placeName(server, target, servers) }), async () => (await client.call('backups.previewSettings', { serverId: server.id, repoPath, policy, target })).tasks, () => save(based))
    : save(based));
  // What the form shows, field by field (the conflict note compares these).
  const shown = (s: { repoPath: string; target: RepoTarget; policy: BackupPolicy; own: BackupPolicy | null }) => ({ target: placeName(server, s.target, servers), repoPath: s.repoPath, policy: scheduleText(s.policy), own: s.own && scheduleText(s.own) });
  const conflict = conflictOf(action.error);
  const theirs = conflict?.theirs?.data as { repoPath: string; target: RepoTarget; policy: BackupPolicy; sitePolicies: Record<string, BackupPolicy> } | undefined;
  const place = (next: RepoTarget) => {
    setTarget(next);
    if (next.kind === 'server' && repoPath === DEFAULT_REPO_PATH) setRepoPath(folderFor(server));
  };
  const f = action.fields;
  return (
    <Dialog label={t('Backup settings of {{server}}', { server: server.name })} onCancel={onCancel} onSubmit={() => void submit()}>
      {conflict ? (
        <ConflictNote
          conflict={{ ...conflict, theirs: conflict.theirs && theirs ? { ...conflict.theirs, data: shown({ ...theirs, own: theirs.sitePolicies[site.name] ?? null }) } : null }}
          yours={shown({ repoPath, target, policy, own })}
          labels={{ target: t('Repository place'), repoPath: t('Repository folder on {{place}}', { place: placeName(server, target, servers) }), policy: t('Policy of {{server}}', { server: server.name }), own: t('{{site}} has its own policy', { site: site.name }) }}
          busy={action.busy}
          onOverwrite={(theirVersion) => {
            setBase(theirVersion);
            void submit(theirVersion);
          }}
          onTakeTheirs={(_, theirVersion) => {
            if (theirs) {
              setRepoPath(theirs.repoPath);
              setTarget(theirs.target);
              setPolicy(theirs.policy);
              setOwn(theirs.sitePolicies[site.name] ?? null);
            }
            setBase(theirVersion);
            action.clear();
          }}
        />
      ) : <FormError error={action.error} />}
      <BackupPlace server={server} target={target} onChange={place} error={f.target} />
      <Field name="repoPath" label={t('Repository folder on {{place}}', { place: placeName(server, target, servers) })} error={f.repoPath} hint={state.hasPassword ? t('A new folder gets a new repository with a new password (the old one stays in the keychain for its backups).') : t('Created by the first backup; its password is made now and kept in the OS keychain only.')}>
        <input value={repoPath} onChange={(e) => setRepoPath(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <p><strong>{t('Policy of {{server}}', { server: server.name })}</strong> {t('(every site without its own)')}</p>
      <PolicyFields policy={policy} set={setPolicy} fields={f} prefix="policy." />
      <label className="check"><input type="checkbox" checked={own !== null} onChange={(e) => setOwn(e.target.checked ? policy : null)} /> {t('{{site}} has its own policy', { site: site.name })}</label>
      {own && <PolicyFields policy={own} set={setOwn} fields={f} prefix="policy." />}
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>{ssh ? t('Preview and save…') : t('Save')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
      {preview.dialog}
    </Dialog>
  );
}

function RestoreFiles({ server, site, run, onDone, onCancel }: { server: Server; site: SiteRecord; run: Run; onDone: (m: string) => Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation();
  const snap = run.files!;
  const [dir, setDir] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [inPlace, setInPlace] = useState(false);
  const [typed, setTyped] = useState('');
  const ls = useQuery({ queryKey: ['backups.ls', server.id, site.name, snap.id, dir], queryFn: () => client.call('backups.ls', { serverId: server.id, site: site.name, snapshot: snap.id, path: dir }), retry: false });
  const action = useAction();
  const toggle = (path: string) => setPicked((p) => (p.includes(path) ? p.filter((x) => x !== path) : [...p, path]));
  const restore = (to: 'place' | 'beside') => action.run(async () => {
    await client.call('backups.restoreFiles', { serverId: server.id, site: site.name, snapshot: snap.id, paths: picked, to, ...(to === 'place' ? { confirm: typed } : {}) });
    await onDone(to === 'place'
      ? t('Restore of {{count, number}} paths of {{site}} in place queued on {{server}}.', { count: picked.length, site: site.name, server: server.name })
      : t('Restore of {{count, number}} paths of {{site}} beside queued on {{server}}.', { count: picked.length, site: site.name, server: server.name }));
  });
  const up = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
  return (
    <Dialog label={t('Restore files of {{site}}', { site: site.name })} onCancel={onCancel} onSubmit={() => void restore(inPlace ? 'place' : 'beside')}>
      <p>{t('Files of')} <strong>{when(run.time)}</strong> ({t('snapshot')} <code>{snap.shortId}</code>) {t('in')} <code>~/{dir}</code></p>
      {ls.isError && <ErrorNote error={asError(ls.error)} />}
      <ul className="item-list backup-files" aria-label={t('Files of the snapshot')}>
        {dir !== '' && <li><button type="button" className="link" onClick={() => setDir(up)}>{t('.. (up)')}</button></li>}
        {ls.data?.entries.map((e: SnapshotEntry) => (
          <li key={e.path}>
            <label className="check"><input type="checkbox" checked={picked.includes(e.path)} onChange={() => toggle(e.path)} aria-label={t('Pick {{path}}', { path: e.path })} /> {e.type === 'dir' ? `${e.name}/` : e.name}</label>
            <span className="item-sub">{e.type === 'file' && e.size !== null ? t('{{size}} bytes', { size: e.size }) : e.type}</span>
            {e.type === 'dir' && <span className="item-actions"><button type="button" className="link" onClick={() => setDir(e.path)} aria-label={t('Open {{path}}', { path: e.path })}>{t('Open')}</button></span>}
          </li>
        ))}
        {ls.data?.truncated && <li className="muted">{t('Only the first 500 entries are shown.')}</li>}
      </ul>
      <p className="muted">{picked.length === 0 ? t('Pick files or folders to restore.') : t('Picked: {{paths}}', { paths: picked.join(', ') })}</p>
      <label className="check"><input type="checkbox" checked={inPlace} onChange={(e) => setInPlace(e.target.checked)} /> {t('In their place (overwrites the live files)')}</label>
      {inPlace && (
        <Field name="confirm" label={t('Type {{site}} to confirm', { site: site.name })} error={action.fields.confirm}>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} autoComplete="off" />
        </Field>
      )}
      <FormError error={action.error} />
      <div className="actions">
        <button className={inPlace ? 'danger solid' : 'primary'} type="submit" disabled={action.busy || picked.length === 0 || (inPlace && typed !== site.name)}>{inPlace ? t('Restore in place') : t('Restore beside (into ~/restored-…)')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
    </Dialog>
  );
}

function RestoreDb({ server, site, snap, onDone, onCancel }: { server: Server; site: SiteRecord; snap: Snapshot; onDone: (m: string) => Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation();
  const db = snap.db!;
  const [inPlace, setInPlace] = useState(false);
  const [typed, setTyped] = useState('');
  const [scratch, setScratch] = useState<string | null>(null);
  const [dropTyped, setDropTyped] = useState('');
  const action = useAction();
  const restore = () => action.run(async () => {
    const { database } = await client.call('backups.restoreDb', { serverId: server.id, site: site.name, snapshot: snap.id, db, to: inPlace ? 'place' : 'scratch', ...(inPlace ? { confirm: typed } : {}) });
    if (!inPlace) setScratch(database);
    await onDone(t('Restore of database {{db}} into {{database}} queued on {{server}}.', { db, database, server: server.name }));
    if (inPlace) onCancel();
  });
  const drop = () => action.run(async () => {
    await client.call('backups.dropScratch', { serverId: server.id, site: site.name, database: scratch!, confirm: dropTyped });
    await onDone(t('Drop of the scratch copy {{database}} queued on {{server}}.', { database: scratch, server: server.name }));
    onCancel();
  });
  if (scratch) {
    return (
      <Dialog label={t('Scratch copy of {{db}}', { db })} onCancel={onCancel} onSubmit={() => void drop()}>
        <div className="note note-ok" role="status">{t('Restoring into')} <code data-testid="scratch-name">{scratch}</code>. {t('Browse it under')} <strong>{t('Databases')}</strong> {t('of {{server}} (turn on support mode in Settings to keep it read-only); the site\'s own database user cannot see it.', { server: server.name })}</div>
        <Field name="confirm" label={t('Drop it when done: type {{database}}', { database: scratch })} error={action.fields.confirm}>
          <input value={dropTyped} onChange={(e) => setDropTyped(e.target.value)} spellCheck={false} autoComplete="off" />
        </Field>
        <FormError error={action.error} />
        <div className="actions">
          <button className="danger" type="submit" disabled={action.busy || dropTyped !== scratch}>{t('Drop scratch copy')}</button>
          <button type="button" onClick={onCancel}>{t('Close')}</button>
        </div>
      </Dialog>
    );
  }
  return (
    <Dialog label={t('Restore database {{db}}', { db })} onCancel={onCancel} onSubmit={() => void restore()}>
      <p>{t('Database')} <strong>{db}</strong> {t('as of {{time}}', { time: when(snap.time) })} ({t('snapshot')} <code>{snap.shortId}</code>)</p>
      <label className="check"><input type="radio" name="db-to" checked={!inPlace} onChange={() => setInPlace(false)} /> {t('Into a scratch copy')} <code>{db}_restore_&lt;yyyymmdd_hhmm&gt;</code> {t('(the live database is untouched)')}</label>
      <label className="check"><input type="radio" name="db-to" checked={inPlace} onChange={() => setInPlace(true)} /> {t('In its place (the live database is dropped and replaced)')}</label>
      {inPlace && (
        <Field name="confirm" label={t('Type {{db}} to confirm', { db })} error={action.fields.confirm}>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
        </Field>
      )}
      <FormError error={action.error} />
      <div className="actions">
        <button className={inPlace ? 'danger solid' : 'primary'} type="submit" disabled={action.busy || (inPlace && typed !== db)}>{inPlace ? t('Replace {{db}}', { db }) : t('Restore into a scratch copy')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
    </Dialog>
  );
}

function RestoreSite({ server, site, run, onDone, onCancel }: { server: Server; site: SiteRecord; run: Run; onDone: (m: string) => Promise<void>; onCancel: () => void }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const action = useAction();
  const restore = () => action.run(async () => {
    await client.call('backups.restoreSite', { serverId: server.id, site: site.name, run: run.run, confirm: typed });
    await onDone(t('Restore of the whole site {{site}} queued on {{server}}.', { site: site.name, server: server.name }));
  });
  return (
    <Dialog label={t('Restore the whole site {{site}}', { site: site.name })} onCancel={onCancel} onSubmit={() => void restore()}>
      <p>{t('Put back the files of')} <code>/home/{site.name}</code> {t('and')} {run.dbs.length === 0 ? t('no database') : run.dbs.map((d) => d.db).join(', ')} {t('as of')} <strong>{when(run.time)}</strong>. {t('Files and databases are overwritten; files made since stay.')}</p>
      <Field name="confirm" label={t('Type {{site}} to confirm', { site: site.name })} error={action.fields.confirm}>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <FormError error={action.error} />
      <div className="actions">
        <button className="danger solid" type="submit" disabled={action.busy || typed !== site.name}>{t('Restore {{site}}', { site: site.name })}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
    </Dialog>
  );
}
