// Settings → Team → People (team mode only): the team's accounts and their roles as the team
// database records them, and — for an admin — creating an account, changing a role, removing
// one. Every change shows its exact statements first (passwords as '***') and runs them from
// there; the database server decides whether this login may. A generated password is shown once.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import type { Output } from '../../shared/api';
import { ROLE_SUMMARY, TEAM_ROLES, type PeopleChange, type Person, type TeamRole } from '../../shared/api/team-admin';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { asError } from '../components/use-action';
import { NewAccount } from './TeamAdminNew';
import './team-admin.css';

const peopleKey = ['team', 'people'] as const;

export function TeamAdmin() {
  // Null in solo mode; asked again now and then, as joining or leaving a team changes it.
  const people = useQuery({ queryKey: peopleKey, queryFn: () => client.call('team.people', {}), refetchInterval: 5000 });
  if (people.data === null) return null;
  return <People people={people} />;
}

function People({ people }: { people: UseQueryResult<Output<'team.people'>> }) {
  const [change, setChange] = useState<PeopleChange | null>(null);
  const me = people.data?.me;
  const canChange = !!me && (me.role === 'admin' || me.superuser);
  return (
    <section className="panel form team-people" aria-label="People">
      <h2>People</h2>
      {people.error && <ErrorNote error={asError(people.error)} />}
      {me && (
        <p className="muted" data-testid="team-me">
          You are {me.user}@{me.host}: {me.role ? <strong>{me.role}</strong> : 'no team role'}
          {me.superuser ? ' (every privilege on the database server)' : ''}
          {me.role && !canChange ? ` — ${ROLE_SUMMARY[me.role]}; only an admin changes people.` : '.'}
        </p>
      )}
      {people.data?.setup && canChange && <SetUpRoles statements={people.data.setup} />}
      {people.data && (
        <table className="data-table team-people-table">
          <thead>
            <tr><th>Account</th><th>Role</th><th>Granted by</th><th>When</th>{canChange && <th />}</tr>
          </thead>
          <tbody>
            {people.data.people.map((p) => (
              <PersonRow key={`${p.user}@${p.host}`} person={p} canChange={canChange} self={!!me && me.user === p.user && me.host === p.host} onChange={setChange} />
            ))}
          </tbody>
        </table>
      )}
      {people.data && people.data.people.length === 0 && <p className="muted">No accounts are recorded for this team yet.</p>}
      {canChange && !change && <NewAccount onReview={setChange} />}
      {change && <Review change={change} onDone={() => setChange(null)} />}
    </section>
  );
}

function PersonRow({ person, canChange, self, onChange }: { person: Person; canChange: boolean; self: boolean; onChange: (c: PeopleChange) => void }) {
  const [role, setRole] = useState<TeamRole>(person.role ?? 'support');
  return (
    <tr data-account={`${person.user}@${person.host}`}>
      <td><code>{person.user}@{person.host}</code></td>
      <td>{person.role ?? <span className="muted">none</span>}</td>
      <td>{person.grantedBy ?? ''}</td>
      <td className="nowrap" title="The database server's time">{person.grantedAt?.slice(0, 19) ?? ''}</td>
      {canChange && self && <td className="muted">you (another admin changes this account)</td>}
      {canChange && !self && (
        <td className="nowrap team-person-actions">
          <select aria-label={`Role of ${person.user}@${person.host}`} value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
            {TEAM_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
          <button disabled={role === person.role} onClick={() => onChange({ action: 'role', user: person.user, host: person.host, role })}>Change role…</button>
          <button className="danger" onClick={() => onChange({ action: 'remove', user: person.user, host: person.host })}>Remove…</button>
        </td>
      )}
    </tr>
  );
}

const TITLE: Record<PeopleChange['action'], string> = { create: 'Create account', role: 'Change role', remove: 'Remove account' };

/** The change's exact statements, then Run (a removal asks for user@host typed). */
function Review({ change, onDone }: { change: PeopleChange; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState('');
  const preview = useQuery({ queryKey: ['team', 'preview', change], queryFn: () => client.call('team.previewPeople', { change }), retry: false });
  const run = useMutation({
    mutationFn: () => client.call('team.changePeople', { change, confirm: change.action === 'remove' ? confirm : null }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: peopleKey }),
  });
  const who = `${change.user}@${change.host}`;
  return (
    <div className="team-review" role="region" aria-label="Review change">
      <h3>{TITLE[change.action]}: {who}</h3>
      {preview.error && <ErrorNote error={asError(preview.error)} />}
      {preview.data && (
        <>
          <p className="muted">These statements run in this order, as your login, on the team database's server:</p>
          <pre className="sql-preview" data-testid="team-statements">{preview.data.statements.join(';\n')};</pre>
        </>
      )}
      {change.action === 'remove' && !run.data && (
        <Field name="confirm" label={`Type ${who} to remove this account`} error={run.error ? asError(run.error).fields?.confirm : undefined}>
          <input aria-label="Confirm removal" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </Field>
      )}
      {run.error && <ErrorNote error={asError(run.error)} />}
      {run.data ? (
        <div className="note note-ok" role="status">
          Done: {run.data.statements.length} statements ran.
          {run.data.password && (
            <div>
              Password for {who} (shown once; Hostdeck keeps none{run.data.keychain ? ' but this computer’s keychain, as it is your own login' : ''}): <code className="secret-once" data-testid="team-password">{run.data.password}</code>
            </div>
          )}
          <div><button onClick={onDone}>Close</button></div>
        </div>
      ) : (
        <div className="actions">
          <button className={change.action === 'remove' ? 'danger' : 'primary'} disabled={!preview.data || run.isPending} onClick={() => run.mutate()}>
            {run.isPending ? 'Running…' : 'Run these statements'}
          </button>
          <button onClick={onDone}>Cancel</button>
        </div>
      )}
    </div>
  );
}

function SetUpRoles({ statements }: { statements: string[] }) {
  const queryClient = useQueryClient();
  const setUp = useMutation({ mutationFn: () => client.call('team.setUpRoles', {}), onSuccess: () => queryClient.invalidateQueries({ queryKey: peopleKey }) });
  return (
    <div className="note note-warn" role="region" aria-label="Set up roles">
      <strong>The team's roles are not on the database server yet.</strong> Setting them up runs:
      <pre className="sql-preview">{statements.join(';\n')};</pre>
      {setUp.error && <ErrorNote error={asError(setUp.error)} />}
      <button className="primary" disabled={setUp.isPending} onClick={() => setUp.mutate()}>Set up roles</button>
    </div>
  );
}
