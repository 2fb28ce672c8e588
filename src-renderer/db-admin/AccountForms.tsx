// The forms of the account changes: a new account, a new password (typed, or generated and shown
// once), a grant (database or one table, the privilege picker, GRANT OPTION as a choice of its
// own), a revoke of a listed grant, and a drop with the account typed. Each one's button shows
// the exact statements first (AccountStatements.tsx); they run from there.
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { accountLabel, MYSQL_PRIVILEGES, TABLE_PRIVILEGES, type MysqlPrivilege } from '../../shared/mysql-accounts';
import { client } from '../client/client';
import { Field } from '../components/Field';
import { FormError, PASSWORD_HINT } from '../hosting/common';
import { useReview } from './AccountStatements';

export type Account = { user: string; host: string };
/** After a change ran: what to say, the account it changed, the password to show once (generated). */
type Done = (message: string, account: Account, password?: string) => Promise<void>;
type Props = { serverId: string; onCancel: () => void; onDone: Done };

const HOST_HINT = <>% = any host; localhost; an IP (10.0.0.5, ::1), a host name, or a pattern with % and _ (192.168.1.%, %.example.com)</>;

export function NewAccount({ serverId, onCancel, onDone }: Props) {
  const [user, setUser] = useState('');
  const [host, setHost] = useState('localhost');
  const [password, setPassword] = useState('');
  const { action, review, dialog } = useReview(serverId);
  const change = { op: 'create' as const, user, host, ...(password === '' ? {} : { password }) };

  function submit(event: FormEvent) {
    event.preventDefault();
    void review(`create ${accountLabel(user, host)}`, change, async () => {
      const r = await client.call('db.accountChange', { serverId, change });
      await onDone(`Created ${accountLabel(user, host)}.`, { user, host }, r.password ?? undefined);
    });
  }

  return (
    <form className="form sub-form account-form" onSubmit={submit} aria-label="New MySQL user">
      <h3>New user</h3>
      <FormError error={action.error} />
      <div className="account-grid">
        <Field name="user" label="User name" error={action.fields.user} hint="Up to 80 characters on MariaDB, 32 on MySQL">
          <input value={user} onChange={(e) => setUser(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
        </Field>
        <Field name="host" label="Host" error={action.fields.host} hint={HOST_HINT}>
          <input value={host} onChange={(e) => setHost(e.target.value)} spellCheck={false} autoComplete="off" />
        </Field>
      </div>
      <Field name="password" label="Password (optional)" error={action.fields.password} hint={PASSWORD_HINT}>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>Preview and create…</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
      {dialog}
    </form>
  );
}

export function NewPassword({ serverId, account, onCancel, onDone }: Props & { account: Account }) {
  const [password, setPassword] = useState('');
  const { action, review, dialog } = useReview(serverId);
  const label = accountLabel(account.user, account.host);
  const change = { op: 'password' as const, ...account, ...(password === '' ? {} : { password }) };

  function submit(event: FormEvent) {
    event.preventDefault();
    void review(`new password for ${label}`, change, async () => {
      const r = await client.call('db.accountChange', { serverId, change });
      await onDone(`New password set for ${label}; the old one no longer works.`, account, r.password ?? undefined);
    });
  }

  return (
    <form className="form sub-form account-form" onSubmit={submit} aria-label={`New password for ${label}`}>
      <h3>New password for <code>{label}</code></h3>
      <FormError error={action.error} />
      <Field name="password" label="New password (optional)" error={action.fields.password} hint={PASSWORD_HINT}>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" autoFocus />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>Preview and change…</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
      {dialog}
    </form>
  );
}

/** Checkboxes of the fixed privilege list; those that exist per database only are off for a table. */
function PrivilegePicker({ chosen, onChange, table, offered = MYSQL_PRIVILEGES, error }: { chosen: MysqlPrivilege[]; onChange: (p: MysqlPrivilege[]) => void; table: boolean; offered?: readonly MysqlPrivilege[]; error?: string }) {
  const all = chosen.includes('ALL PRIVILEGES');
  const toggle = (p: MysqlPrivilege, on: boolean) => onChange(on ? (p === 'ALL PRIVILEGES' ? [p] : [...chosen.filter((c) => c !== p), p]) : chosen.filter((c) => c !== p));
  return (
    <fieldset className={`privilege-picker ${error ? 'has-error' : ''}`} data-field="privileges">
      <legend>Privileges</legend>
      <div className="privilege-grid">
        {offered.map((p) => {
          const perDatabase = table && !TABLE_PRIVILEGES.includes(p);
          return (
            <label key={p} className={perDatabase ? 'muted' : ''} title={perDatabase ? `${p} exists per database only` : undefined}>
              <input type="checkbox" name={p} checked={chosen.includes(p)} disabled={perDatabase || (all && p !== 'ALL PRIVILEGES')} onChange={(e) => toggle(p, e.target.checked)} /> {p}
            </label>
          );
        })}
      </div>
      {error && <span className="field-error" role="alert">{error}</span>}
    </fieldset>
  );
}

export function GrantForm({ serverId, account, onCancel, onDone }: Props & { account: Account }) {
  const [database, setDatabase] = useState('');
  const [table, setTable] = useState('');
  const [privileges, setPrivileges] = useState<MysqlPrivilege[]>(['SELECT']);
  const [grantOption, setGrantOption] = useState(false);
  const { action, review, dialog } = useReview(serverId);
  const databases = useQuery({ queryKey: ['db.databases', serverId], queryFn: () => client.call('db.databases', { serverId }) });
  const tables = useQuery({ queryKey: ['db.tables', serverId, database], queryFn: () => client.call('db.tables', { serverId, database }), enabled: (databases.data ?? []).some((d) => d.name === database) });
  const label = accountLabel(account.user, account.host);
  const onTable = table !== '';
  const chosen = onTable ? privileges.filter((p) => TABLE_PRIVILEGES.includes(p)) : privileges;
  const change = { op: 'grant' as const, ...account, scope: { database, table: onTable ? table : null }, privileges: chosen, grantOption };

  function submit(event: FormEvent) {
    event.preventDefault();
    void review(`grant to ${label}`, change, async () => {
      await client.call('db.accountChange', { serverId, change });
      await onDone(`Granted ${chosen.join(', ')}${grantOption ? ' with GRANT OPTION' : ''} on ${onTable ? `${database}.${table}` : `${database}.*`} to ${label}.`, account);
    });
  }

  return (
    <form className="form sub-form account-form" onSubmit={submit} aria-label={`Grant to ${label}`}>
      <h3>Grant to <code>{label}</code></h3>
      <FormError error={action.error} />
      <div className="account-grid">
        <Field name="database" label="Database" error={action.fields.database} hint="Taken literally: its _ and % match only themselves">
          <input value={database} onChange={(e) => setDatabase(e.target.value)} list="account-databases" spellCheck={false} autoComplete="off" autoFocus />
        </Field>
        <Field name="table" label="Table (optional)" error={action.fields.table} hint="Empty = every table of the database">
          <input value={table} onChange={(e) => setTable(e.target.value)} list="account-tables" spellCheck={false} autoComplete="off" />
        </Field>
      </div>
      <datalist id="account-databases">{(databases.data ?? []).map((d) => <option key={d.name} value={d.name} />)}</datalist>
      <datalist id="account-tables">{(tables.data ?? []).map((t) => <option key={t.name} value={t.name} />)}</datalist>
      <PrivilegePicker chosen={chosen} onChange={setPrivileges} table={onTable} error={action.fields.privileges} />
      <label className="inline grant-option">
        <input type="checkbox" name="grantOption" checked={grantOption} onChange={(e) => setGrantOption(e.target.checked)} /> WITH GRANT OPTION (the user may pass these privileges on to others)
      </label>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>Preview and grant…</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
      {dialog}
    </form>
  );
}

/** A grant as listed from the server: `database` is its stored pattern (hd\_shop) for a database grant. */
export type Listed = { database: string; table: string | null; privileges: string[] };

export function RevokeForm({ serverId, account, grant, onCancel, onDone }: Props & { account: Account; grant: Listed }) {
  const held = MYSQL_PRIVILEGES.filter((p) => grant.privileges.includes(p));
  const holdsGrantOption = grant.privileges.includes('GRANT OPTION');
  const [privileges, setPrivileges] = useState<MysqlPrivilege[]>(held);
  const [grantOption, setGrantOption] = useState(holdsGrantOption);
  const { action, review, dialog } = useReview(serverId);
  const label = accountLabel(account.user, account.host);
  const on = grant.table === null ? `${grant.database}.*` : `${grant.database}.${grant.table}`;
  const others = grant.privileges.filter((p) => p !== 'GRANT OPTION' && !held.includes(p as MysqlPrivilege));
  const change = { op: 'revoke' as const, ...account, scope: grant.table === null ? { database: grant.database, pattern: true } : { database: grant.database, table: grant.table }, privileges, grantOption };

  function submit(event: FormEvent) {
    event.preventDefault();
    void review(`revoke from ${label}`, change, async () => {
      await client.call('db.accountChange', { serverId, change });
      await onDone(`Revoked ${[...privileges, ...(grantOption ? ['GRANT OPTION'] : [])].join(', ')} on ${on} from ${label}.`, account);
    });
  }

  return (
    <form className="form sub-form account-form" onSubmit={submit} aria-label={`Revoke from ${label}`}>
      <h3>Revoke on <code>{on}</code> from <code>{label}</code></h3>
      <FormError error={action.error} />
      <PrivilegePicker chosen={privileges} onChange={setPrivileges} table={grant.table !== null} offered={held} error={action.fields.privileges} />
      {holdsGrantOption && (
        <label className="inline grant-option">
          <input type="checkbox" name="grantOption" checked={grantOption} onChange={(e) => setGrantOption(e.target.checked)} /> GRANT OPTION
        </label>
      )}
      {others.length > 0 && <p className="muted">Also held, revoked only from the SQL editor: {others.join(', ')}.</p>}
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>Preview and revoke…</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
      {dialog}
    </form>
  );
}

export function DropAccount({ serverId, account, onCancel, onDone }: Props & { account: Account }) {
  const [typed, setTyped] = useState('');
  const { action, review, dialog } = useReview(serverId);
  const label = accountLabel(account.user, account.host);
  const matches = typed === label;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!matches) return;
    void review(`drop ${label}`, { op: 'drop', ...account }, async () => {
      await client.call('db.dropAccount', { serverId, ...account, confirm: typed });
      await onDone(`Dropped ${label}.`, account);
    });
  }

  return (
    <form className="note note-warn sub-form account-form" role="alertdialog" aria-label={`Drop ${label}`} onSubmit={submit}>
      <p>
        Drop the MySQL user <strong>{label}</strong> with all its privileges? Whatever logs in as it stops working. This cannot be undone.
      </p>
      <FormError error={action.error} />
      <Field name="confirm" label={`Type ${label} to confirm`} error={action.fields.confirm}>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <div className="actions">
        <button className="danger solid" type="submit" disabled={action.busy || !matches}>Preview and drop…</button>
        <button type="button" onClick={onCancel}>Keep it</button>
      </div>
      {dialog}
    </form>
  );
}
