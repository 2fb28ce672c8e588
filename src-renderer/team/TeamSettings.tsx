// Settings → Team: which mode this workstation is in (solo: its own data folder; team: a shared
// MariaDB), whether the team database answers, and the ways between them: create a team from
// this folder's data, join one, leave one (its data copied back here). The password goes to
// this computer's keychain only.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { TeamStatus } from '../../shared/api/team';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { asError } from '../components/use-action';
import { RouteSelect, TeamRoute } from './TeamRoute';
import './team.css';

export const teamStatusKey = ['team', 'status'] as const;

type Draft = { teamName: string; host: string; port: string; user: string; password: string; database: string; workstation: string; tunnelServerId: string };
const copiedText = (t: TFunction, c: { servers: number; hostKeys: number; templates: number; tasks: number }) =>
  t('{{servers}}, {{hostKeys}}, {{templates}} and {{tasks}} (queued or past)', {
    servers: t('{{count, number}} servers', { count: c.servers }),
    hostKeys: t('{{count, number}} pinned host keys', { count: c.hostKeys }),
    templates: t('{{count, number}} deploy templates', { count: c.templates }),
    tasks: t('{{count, number}} tasks', { count: c.tasks }),
  });

const HOST_EXAMPLE = 'db.example.net';
const EMPTY: Draft = { teamName: '', host: '', port: '3306', user: '', password: '', database: 'hostdeck', workstation: '', tunnelServerId: '' };

export function TeamSettings() {
  const { t } = useTranslation();
  const status = useQuery({ queryKey: teamStatusKey, queryFn: () => client.call('team.status', {}), refetchInterval: 5000 });
  // What the last create, join or leave did (its form is gone once the mode changed).
  const [done, setDone] = useState<string | null>(null);
  return (
    <section className="panel form team-settings" aria-label={t('Team')}>
      <h2>{t('Team')}</h2>
      {status.error && <ErrorNote error={asError(status.error)} />}
      {done && (
        <div className="note note-ok" role="status">
          {done}
        </div>
      )}
      {status.data && <ModeLine status={status.data} />}
      {status.data?.mode === 'solo' && <JoinOrCreate onDone={setDone} />}
      {status.data?.mode === 'team' && <TeamRoute key={status.data.team?.via?.serverId ?? ''} status={status.data} onDone={setDone} />}
      {status.data?.mode === 'team' && <Leave status={status.data} onDone={setDone} />}
    </section>
  );
}

function ModeLine({ status }: { status: TeamStatus }) {
  const { t } = useTranslation();
  if (status.mode === 'solo' || !status.team) {
    return (
      <p className="team-mode" data-mode="solo">
        <strong>{t('Solo')}</strong> — {t("servers, sites and queues are kept in this computer's data folder.")}
      </p>
    );
  }
  const team = status.team;
  return (
    <div className={`note ${status.connected ? 'note-ok' : 'note-error'} team-mode`} data-mode="team" role="status">
      <strong>{t('Team “{{name}}”', { name: team.name })}</strong> — {t('shared with everyone using this database.')}
      <dl>
        <dt>{t('Database')}</dt>
        <dd>
          {team.user}@{team.host}:{team.port} / {team.database}
          {team.via && <span className="hint"> {t('(as {{name}} sees it)', { name: team.via.name })}</span>}
        </dd>
        <dt>{t('Connection')}</dt>
        <dd data-connected={status.connected}>{status.connected ? t('connected') : t('not answering: {{reason}}', { reason: status.error ?? t('unknown reason') })}</dd>
        <dt>{t('Route')}</dt>
        <dd data-route={team.via ? 'tunnel' : 'direct'}>{team.via ? t('through {{name}} (SSH tunnel)', { name: team.via.name }) : t('direct')}</dd>
        <dt>{t('This workstation')}</dt>
        <dd>{team.workstation}</dd>
      </dl>
    </div>
  );
}

/** Refetch everything: the data behind every screen changed with the mode. */
function useModeChanged() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries();
}

function JoinOrCreate({ onDone }: { onDone: (message: string | null) => void }) {
  const { t } = useTranslation();
  const [how, setHow] = useState<'create' | 'join'>('create');
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const modeChanged = useModeChanged();
  const connect = () => ({ host: draft.host.trim(), port: Number(draft.port), user: draft.user.trim(), password: draft.password, database: draft.database.trim(), ...(draft.workstation.trim() ? { workstation: draft.workstation.trim() } : {}), tunnelServerId: draft.tunnelServerId || null });
  const save = useMutation({
    mutationFn: async () => {
      if (how === 'create') {
        const { copied } = await client.call('team.create', { ...connect(), teamName: draft.teamName.trim() });
        return t('Team created: {{copied}} copied into it.', { copied: copiedText(t, copied) });
      }
      const { status } = await client.call('team.join', connect());
      return t('Joined the team “{{name}}”.', { name: status.team?.name ?? '' });
    },
    onSuccess: async (message) => {
      setDraft(EMPTY);
      onDone(message);
      await modeChanged();
    },
  });
  const error = save.error ? asError(save.error) : null;
  const fields = error?.fields ?? {};
  const set = (key: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onDone(null);
    save.mutate();
  };
  return (
    <form onSubmit={submit} aria-label={t('Create or join a team')}>
      <div className="team-how" role="radiogroup" aria-label={t('Create or join')}>
        <label>
          <input type="radio" name="how" value="create" checked={how === 'create'} onChange={() => setHow('create')} /> {t("Create a team from this computer's data")}
        </label>
        <label>
          <input type="radio" name="how" value="join" checked={how === 'join'} onChange={() => setHow('join')} /> {t('Join an existing team')}
        </label>
      </div>
      <p className="hint">
        {how === 'create'
          ? t('The database must exist and be empty; its tables are made and this folder’s servers, pinned keys, settings and queues are copied in.')
          : t('This folder’s own data stays here, unused while in the team.')}{' '}
        {t('Passwords and passphrases stay in each person’s keychain.')}
      </p>
      {error && !error.fields && <ErrorNote error={error} />}
      <div className="grid">
        {how === 'create' && (
          <Field name="teamName" label={t('Team name')} error={fields.teamName}>
            <input name="teamName" value={draft.teamName} onChange={set('teamName')} />
          </Field>
        )}
        <Field name="workstation" label={t("This workstation's name")} error={fields.workstation} hint={t('Shown to the others (who runs a queue, who changed what)')}>
          <input name="workstation" value={draft.workstation} onChange={set('workstation')} placeholder={t('user@computer')} />
        </Field>
        <RouteSelect value={draft.tunnelServerId} onChange={(tunnelServerId) => setDraft({ ...draft, tunnelServerId })} error={fields.tunnelServerId} />
        <Field name="host" label={t('MariaDB host')} error={fields.host}>
          <input name="host" value={draft.host} onChange={set('host')} placeholder={HOST_EXAMPLE} />
        </Field>
        <Field name="port" label={t('Port')} error={fields.port}>
          <input name="port" inputMode="numeric" value={draft.port} onChange={set('port')} />
        </Field>
        <Field name="user" label={t('User')} error={fields.user}>
          <input name="user" value={draft.user} onChange={set('user')} autoComplete="off" />
        </Field>
        <Field name="password" label={t('Password')} error={fields.password} hint={t("Kept in this computer's keychain")}>
          <input name="password" type="password" value={draft.password} onChange={set('password')} autoComplete="new-password" />
        </Field>
        <Field name="database" label={t('Database')} error={fields.database}>
          <input name="database" value={draft.database} onChange={set('database')} />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t('Connecting…') : how === 'create' ? t('Create team') : t('Join team')}
        </button>
      </div>
    </form>
  );
}

function Leave({ status, onDone }: { status: TeamStatus; onDone: (message: string | null) => void }) {
  const { t } = useTranslation();
  const [confirm, setConfirm] = useState('');
  const modeChanged = useModeChanged();
  const leave = useMutation({
    mutationFn: () => client.call('team.leave', { confirm }),
    onSuccess: async ({ copied }) => {
      setConfirm('');
      onDone(t("Left the team: {{copied}} copied into this computer's data folder.", { copied: copiedText(t, copied) }));
      await modeChanged();
    },
  });
  const error = leave.error ? asError(leave.error) : null;
  const name = status.team?.name ?? '';
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        leave.mutate();
      }}
      aria-label={t('Leave the team')}
    >
      <h3>{t('Leave the team')}</h3>
      {status.connected ? (
        <p className="hint">{t('The team’s servers, pinned keys, settings and queues are copied into this computer’s data folder (replacing what it held), and this workstation works solo again. The team keeps everything.')}</p>
      ) : (
        <p className="hint">{t('The team database does not answer, so nothing can be copied: this workstation goes back to this folder’s own data, as it was before joining. The team keeps everything; join again once the database answers.')}</p>
      )}
      {error && !error.fields && <ErrorNote error={error} />}
      <Field name="confirm" label={status.connected ? t("Type the team's name, {{name}}, to leave", { name }) : t("Type the database's name, {{name}}, to leave", { name })} error={error?.fields?.confirm}>
        <input name="confirm" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" />
      </Field>
      <div className="actions">
        <button type="submit" className="danger" disabled={leave.isPending || confirm !== name}>
          {leave.isPending ? t('Leaving…') : status.connected ? t('Leave and copy the data here') : t('Leave without copying')}
        </button>
      </div>
    </form>
  );
}
