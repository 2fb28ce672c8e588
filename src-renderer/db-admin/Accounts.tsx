// The server's MySQL users (the Users view of the 'db-admin' tab): each account with its database
// and table privileges (revoke one) and SHOW GRANTS as the server words it; New user, New
// password, Grant, Drop. One form at a time, so a typed confirmation never applies to another
// account; the form opens above the list. In support mode or on a read-only server nothing offers a change, and a pill says
// why (the core refuses regardless).
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { useSupportMode } from '../audit/support';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { SecretOnce } from '../hosting/common';
import { DropAccount, GrantForm, NewAccount, NewPassword, RevokeForm, type Account, type Listed } from './AccountForms';
import './accounts.css';

type Open = { form: 'create' } | { form: 'password'; account: Account } | { form: 'grant'; account: Account } | { form: 'drop'; account: Account } | { form: 'revoke'; account: Account; grant: Listed } | null;

const same = (a: Account, b: Account) => a.user === b.user && a.host === b.host;

export function Accounts({ server }: { server: Server }) {
  const { t } = useTranslation();
  const asError = (e: unknown) => (e instanceof AppError ? e : new AppError('internal', t('Reading the users failed.')));
  const queryClient = useQueryClient();
  const key = ['db.users', server.id];
  const data = useQuery({ queryKey: key, queryFn: () => client.call('db.users', { serverId: server.id }) });
  const access = useQuery({ queryKey: ['db.getAccess', server.id], queryFn: () => client.call('db.getAccess', { serverId: server.id }) });
  const supportMode = useSupportMode();
  const readOnly = supportMode ? t('support mode') : access.data?.readOnly ? t("this server's setting") : null;
  const [open, setOpen] = useState<Open>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [shown, setShown] = useState<{ account: Account; password: string } | null>(null);
  const [changed, setChanged] = useState<Account | null>(null);

  const onDone = async (text: string, account: Account, password?: string) => {
    setOpen(null);
    setMessage(text);
    setShown(password === undefined ? null : { account, password });
    setChanged(account);
    await queryClient.invalidateQueries({ queryKey: key });
  };
  // The changed account's card comes into view (the list is sorted by name; it may be far down).
  const changedKey = changed && data.data ? `${changed.user}@${changed.host}` : null;
  useEffect(() => {
    if (changedKey) document.querySelector(`.accounts .user-card[data-user="${CSS.escape(changedKey)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [changedKey, data.data]);
  const start = (next: Open) => {
    setMessage(null);
    setChanged(null);
    setOpen(next);
  };
  const props = { serverId: server.id, onCancel: () => setOpen(null), onDone };
  const form = (() => {
    if (!open || readOnly) return null;
    if (open.form === 'create') return <NewAccount {...props} />;
    const { account } = open;
    const k = `${account.user}@${account.host}`;
    if (open.form === 'password') return <NewPassword key={k} {...props} account={account} />;
    if (open.form === 'grant') return <GrantForm key={k} {...props} account={account} />;
    if (open.form === 'drop') return <DropAccount key={k} {...props} account={account} />;
    return <RevokeForm key={`${k} ${open.grant.database}.${open.grant.table ?? '*'}`} {...props} account={account} grant={open.grant} />;
  })();

  if (data.error) return <ErrorNote error={asError(data.error)} />;
  if (!data.data) return <p className="muted">{t('Loading the users…')}</p>;
  return (
    <section aria-label={t('Users and grants')} className="accounts">
      <div className="toolbar">
        {readOnly ? (
          <span className="chip chip-warn ro-pill" data-testid="read-only-pill" title={t('The core refuses every change to accounts')}>{t('Read-only: {{why}}', { why: readOnly })}</span>
        ) : (
          <button onClick={() => start({ form: 'create' })} disabled={open?.form === 'create'}>{t('New user…')}</button>
        )}
        <span className="muted">{t('{{count, number}} users', { count: data.data.length })}</span>
      </div>
      {message && <div className="note note-ok" role="status" aria-label={t('Account change')}>{message}</div>}
      {shown && (
        <SecretOnce
          label={t('Password of {{account}}', { account: `${shown.account.user}@${shown.account.host}` })}
          what={t('Password of {{account}}', { account: `${shown.account.user}@${shown.account.host}` })}
          secret={shown.password}
          testId="account-password"
          onDone={() => setShown(null)}
        />
      )}
      {form}
      <div className="users-list">
        {data.data.map((u) => {
          const account = { user: u.user, host: u.host };
          return (
            <div key={`${u.user}@${u.host}`} className={`user-card ${open && open.form !== 'create' && same(open.account, account) ? 'editing' : changed && same(changed, account) ? 'changed' : ''}`} data-user={`${u.user}@${u.host}`}>
              <div className="user-card-head">
                <h3>
                  {u.user}<span className="muted">@{u.host}</span>
                </h3>
                {!readOnly && (
                  <span className="item-actions">
                    <button className="link" onClick={() => start({ form: 'grant', account })} aria-label={t('Grant to {{account}}', { account: `${u.user}@${u.host}` })}>{t('Grant…')}</button>
                    <button className="link" onClick={() => start({ form: 'password', account })} aria-label={t('New password for {{account}}', { account: `${u.user}@${u.host}` })}>{t('Password…')}</button>
                    <button className="link danger" onClick={() => start({ form: 'drop', account })} aria-label={t('Drop {{account}}', { account: `${u.user}@${u.host}` })}>{t('Drop…')}</button>
                  </span>
                )}
              </div>
              {u.privileges.length > 0 && (
                <ul className="account-privileges" aria-label={t('Privileges of {{account}}', { account: `${u.user}@${u.host}` })}>
                  {u.privileges.map((p) => (
                    <li key={`${p.database}.${p.table ?? '*'}`} data-on={`${p.database}.${p.table ?? '*'}`}>
                      <code>{p.database}.{p.table ?? '*'}</code> <span className="privileges">{p.privileges.join(', ')}</span>
                      {!readOnly && (
                        <button className="link" onClick={() => start({ form: 'revoke', account, grant: p })} aria-label={t('Revoke on {{on}} from {{account}}', { on: `${p.database}.${p.table ?? '*'}`, account: `${u.user}@${u.host}` })}>{t('Revoke…')}</button>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              <details className="show-grants" open={u.privileges.length === 0}>
                <summary>SHOW GRANTS ({u.grants.length})</summary>
                <ul>
                  {u.grants.map((g, i) => (
                    <li key={i} className="mono">{g}</li>
                  ))}
                </ul>
              </details>
            </div>
          );
        })}
      </div>
    </section>
  );
}
