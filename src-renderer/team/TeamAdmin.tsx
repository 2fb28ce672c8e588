// Settings → Team → People (team mode only): the team's accounts and their roles as the team
// database records them, and — for an admin — creating an account, changing a role, removing
// one. Every change shows its exact statements first (passwords as '***') and runs them from
// there; the database server decides whether this login may. A generated password is shown once.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import type { Output } from '../../shared/api';
import { TEAM_ROLES, type PeopleChange, type Person, type TeamRole } from '../../shared/api/team-admin';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { asError } from '../components/use-action';
import { NewAccount } from './TeamAdminNew';
import { ROLE_SUMMARY } from './roles';
import { msg } from '../i18n';
import './team-admin.css';

const peopleKey = ['team', 'people'] as const;

export function TeamAdmin() {
  // Null in solo mode; asked again now and then, as joining or leaving a team changes it.
  const people = useQuery({ queryKey: peopleKey, queryFn: () => client.call('team.people', {}), refetchInterval: 5000 });
  if (people.data === null) return null;
  return <People people={people} />;
}

function People({ people }: { people: UseQueryResult<Output<'team.people'>> }) {
  const { t } = useTranslation();
  const [change, setChange] = useState<PeopleChange | null>(null);
  const me = people.data?.me;
  const canChange = !!me && (me.role === 'admin' || me.superuser);
  return (
    <section className="panel form team-people" aria-label={t('People')}>
      <h2>{t('People')}</h2>
      {people.error && <ErrorNote error={asError(people.error)} />}
      {me && (
        <p className="muted" data-testid="team-me">
          {t('You are {{account}}:', { account: `${me.user}@${me.host}` })} {me.role ? <strong>{me.role}</strong> : t('no team role')}
          {me.superuser ? ` ${t('(every privilege on the database server)')}` : ''}
          {me.role && !canChange ? ` — ${t('{{summary}}; only an admin changes people.', { summary: t(ROLE_SUMMARY[me.role]) })}` : '.'}
        </p>
      )}
      {people.data?.setup && canChange && <SetUpRoles statements={people.data.setup} />}
      {people.data && (
        <table className="data-table team-people-table">
          <thead>
            <tr><th>{t('Account')}</th><th>{t('Role')}</th><th>{t('Granted by')}</th><th>{t('When')}</th>{canChange && <th />}</tr>
          </thead>
          <tbody>
            {people.data.people.map((p) => (
              <PersonRow key={`${p.user}@${p.host}`} person={p} canChange={canChange} self={!!me && me.user === p.user && me.host === p.host} onChange={setChange} />
            ))}
          </tbody>
        </table>
      )}
      {people.data && people.data.people.length === 0 && <p className="muted">{t('No accounts are recorded for this team yet.')}</p>}
      {canChange && !change && <NewAccount onReview={setChange} />}
      {change && <Review change={change} onDone={() => setChange(null)} />}
    </section>
  );
}

function PersonRow({ person, canChange, self, onChange }: { person: Person; canChange: boolean; self: boolean; onChange: (c: PeopleChange) => void }) {
  const { t } = useTranslation();
  const [role, setRole] = useState<TeamRole>(person.role ?? 'support');
  return (
    <tr data-account={`${person.user}@${person.host}`}>
      <td><code>{person.user}@{person.host}</code></td>
      <td>{person.role ?? <span className="muted">{t('none')}</span>}</td>
      <td>{person.grantedBy ?? ''}</td>
      <td className="nowrap" title={t("The database server's time")}>{person.grantedAt?.slice(0, 19) ?? ''}</td>
      {canChange && self && <td className="muted">{t('you (another admin changes this account)')}</td>}
      {canChange && !self && (
        <td className="nowrap team-person-actions">
          <select aria-label={t('Role of {{account}}', { account: `${person.user}@${person.host}` })} value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
            {TEAM_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
          <button disabled={role === person.role} onClick={() => onChange({ action: 'role', user: person.user, host: person.host, role })}>{t('Change role…')}</button>
          <button className="danger" onClick={() => onChange({ action: 'remove', user: person.user, host: person.host })}>{t('Remove…')}</button>
        </td>
      )}
    </tr>
  );
}

const TITLE: Record<PeopleChange['action'], string> = { create: msg('Create account'), role: msg('Change role'), remove: msg('Remove account') };

/** The change's exact statements, then Run (a removal asks for user@host typed). */
function Review({ change, onDone }: { change: PeopleChange; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState('');
  const preview = useQuery({ queryKey: ['team', 'preview', change], queryFn: () => client.call('team.previewPeople', { change }), retry: false });
  const run = useMutation({
    mutationFn: () => client.call('team.changePeople', { change, confirm: change.action === 'remove' ? confirm : null }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: peopleKey }),
  });
  const who = `${change.user}@${change.host}`;
  return (
    <div className="team-review" role="region" aria-label={t('Review change')}>
      <h3>{t(TITLE[change.action])}: {who}</h3>
      {preview.error && <ErrorNote error={asError(preview.error)} />}
      {preview.data && (
        <>
          <p className="muted">{t("These statements run in this order, as your login, on the team database's server:")}</p>
          <pre className="sql-preview" data-testid="team-statements">{preview.data.statements.join(';\n')};</pre>
        </>
      )}
      {change.action === 'remove' && !run.data && (
        <Field name="confirm" label={t('Type {{account}} to remove this account', { account: who })} error={run.error ? asError(run.error).fields?.confirm : undefined}>
          <input aria-label={t('Confirm removal')} value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </Field>
      )}
      {run.error && <ErrorNote error={asError(run.error)} />}
      {run.data ? (
        <div className="note note-ok" role="status">
          {t('Done: {{count, number}} statements ran.', { count: run.data.statements.length })}
          {run.data.password && (
            <div>
              {run.data.keychain ? t('Password for {{account}} (shown once; Hostdeck keeps none but this computer’s keychain, as it is your own login):', { account: who }) : t('Password for {{account}} (shown once; Hostdeck keeps none):', { account: who })} <code className="secret-once" data-testid="team-password">{run.data.password}</code>
            </div>
          )}
          <div><button onClick={onDone}>{t('Close')}</button></div>
        </div>
      ) : (
        <div className="actions">
          <button className={change.action === 'remove' ? 'danger' : 'primary'} disabled={!preview.data || run.isPending} onClick={() => run.mutate()}>
            {run.isPending ? t('Running…') : t('Run these statements')}
          </button>
          <button onClick={onDone}>{t('Cancel')}</button>
        </div>
      )}
    </div>
  );
}

function SetUpRoles({ statements }: { statements: string[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const setUp = useMutation({ mutationFn: () => client.call('team.setUpRoles', {}), onSuccess: () => queryClient.invalidateQueries({ queryKey: peopleKey }) });
  return (
    <div className="note note-warn" role="region" aria-label={t('Set up roles')}>
      <strong>{t("The team's roles are not on the database server yet.")}</strong> {t('Setting them up runs:')}
      <pre className="sql-preview">{statements.join(';\n')};</pre>
      {setUp.error && <ErrorNote error={asError(setUp.error)} />}
      <button className="primary" disabled={setUp.isPending} onClick={() => setUp.mutate()}>{t('Set up roles')}</button>
    </div>
  );
}
