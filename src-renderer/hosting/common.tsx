// What the hosting screens share: the error of an action (busy flag included), the field errors
// of the contract under their fields, the box that shows a password once, the password hint,
// and what an FTP login, database or domain that is not applied offers: its state, "Apply
// again…" (a form with a new password where it has one, and a Preview) and "Forget".
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { ItemState, SiteItem, SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import type { AppError } from '../../shared/errors';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../shared/hosting';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { useAction as useSharedAction } from '../components/use-action';
import { usePreview } from './PreviewDialog';
import { msg } from '../i18n';

export { Field };

/** The hint of every password field (FTP logins, databases). */
export const passwordHint = (t: TFunction) =>
  t('{{min}} to {{max}} characters, any printable ones (spaces, quotes, emoji); empty = a generated 20-character password', { min: PASSWORD_MIN, max: PASSWORD_MAX });
export { asError } from '../components/use-action';

/**
 * Field errors by the form's own keys. A preview validates the change it is sent, so its
 * errors arrive as `change.input.name`; the action itself names the same field `name`.
 */
export function fieldsOf(error: AppError | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(error?.fields ?? {})) out[key.replace(/^change\.(input\.)?/, '')] ??= message;
  return out;
}

/** The action runner (components/use-action) with the contract's keys mapped to the form's. */
export function useAction() {
  return useSharedAction(fieldsOf);
}

/** A form's error: with field errors, one line above them (each field says its own); else the full note. */
export function FormError({ error }: { error: AppError | null }) {
  if (!error) return null;
  return error.fields ? <div className="note note-error" role="alert">{error.message}</div> : <ErrorNote error={error} />;
}

/** A password Hostdeck does not keep: shown here once (masked in screenshots), then gone. */
export function SecretOnce({ label, what, secret, testId, onDone }: { label: string; what: ReactNode; secret: string; testId: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="note note-ok secret-box" role="status" aria-label={label}>
      <p>
        {what}: <code className="secret-once" data-testid={testId}>{secret}</code>
      </p>
      <p className="muted">{t('Shown once; Hostdeck does not keep it. Copy it now.')}</p>
      <div className="actions">
        <button onClick={() => void navigator.clipboard?.writeText(secret)}>{t('Copy')}</button>
        <button onClick={onDone}>{t('Done, hide it')}</button>
      </div>
    </div>
  );
}

/** A list typed with commas and/or spaces ("www.shop.test, shop.example"). */
export const splitList = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** The first field error among keys starting with any of `prefixes` (list fields: `aliases.1`). */
export const firstError = (fields: Record<string, string>, ...prefixes: string[]): string | undefined =>
  Object.entries(fields).find(([k]) => prefixes.some((p) => k === p || k.startsWith(`${p}.`)))?.[1];

type Item = SiteItem;

/** How an item is named to the admin ("FTP login shop_up"). */
const itemLabel = (t: TFunction, item: Item) =>
  item.kind === 'ftp' ? t('FTP login {{name}}', { name: item.name }) : item.kind === 'db' ? t('database {{name}}', { name: item.name }) : t('domain {{name}}', { name: item.name });

const STATE_TEXT: Record<Exclude<ItemState, 'applied'>, { text: string; title: string; className: string }> = {
  queued: { text: msg('queued'), title: msg('Its task is on the queue and has not run yet'), className: 'task-pending' },
  failed: { text: msg('task failed'), title: msg('Its task failed; the queue waits for a retry, skip or cancel'), className: 'task-failed' },
  'not-applied': { text: msg('not applied'), title: msg('Its task was skipped or cancelled: the server does not have it'), className: 'task-skipped' },
};

/** An item's state next to its name; nothing once it is applied. */
export function ItemStateTag({ state }: { state: ItemState }) {
  const { t } = useTranslation();
  if (state === 'applied') return null;
  const s = STATE_TEXT[state];
  return <span className={`item-state task-status ${s.className}`} title={t(s.title)} data-testid="item-state">{t(s.text)}</span>;
}

/**
 * "Apply again…" and "Forget" for a site's not-applied items: `actions(item)` goes in the item's
 * row, `panel` (the apply-again form and any error) under the list. `onApplied` gets the new
 * password of a login or database, to show once.
 */
export function useNotApplied(server: Server, site: SiteRecord, onChanged: (message: string) => Promise<void>, onApplied?: (item: Item, password: string) => void) {
  const { t } = useTranslation();
  const [applying, setApplying] = useState<Item | null>(null);
  const forgetting = useAction();
  const forget = (item: Item) =>
    forgetting.run(async () => {
      await client.call('hosting.forget', { serverId: server.id, site: site.name, item });
      setApplying(null);
      await onChanged(t('The {{item}} is no longer recorded for {{site}}; nothing ran on {{server}}.', { item: itemLabel(t, item), site: site.name, server: server.name }));
    });
  const actions = (item: Item) => (
    <>
      <button className="link" disabled={forgetting.busy} onClick={() => { forgetting.clear(); setApplying(item); }} aria-label={t('Apply {{item}} again', { item: itemLabel(t, item) })}>{t('Apply again…')}</button>
      <button className="link" disabled={forgetting.busy} onClick={() => void forget(item)} aria-label={t('Forget {{item}}', { item: itemLabel(t, item) })}>{t('Forget')}</button>
    </>
  );
  const panel = (
    <>
      {forgetting.error && <ErrorNote error={forgetting.error} />}
      {applying && (
        <ApplyAgain
          key={`${applying.kind}:${applying.name}`}
          server={server}
          site={site}
          item={applying}
          onCancel={() => setApplying(null)}
          onDone={async (message, password) => {
            setApplying(null);
            if (password !== null) onApplied?.(applying, password);
            await onChanged(message);
          }}
        />
      )}
    </>
  );
  return { actions, panel };
}

type ApplyProps = { server: Server; site: SiteRecord; item: Item; onCancel: () => void; onDone: (message: string, password: string | null) => Promise<void> };

function ApplyAgain({ server, site, item, onCancel, onDone }: ApplyProps) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const action = useAction();
  const preview = usePreview(server.id, action);
  const label = itemLabel(t, item);
  const secret = item.kind !== 'domain';

  const apply = () =>
    action.run(async () => {
      const r = await client.call('hosting.applyAgain', { serverId: server.id, site: site.name, item, ...(secret && password !== '' ? { password } : {}) });
      await onDone(t('The {{item}} was queued again on {{server}} ({{count, number}} tasks).', { item: label, server: server.name, count: r.tasks.length }), r.password);
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void apply();
  }

  return (
    <form className="form sub-form apply-again" onSubmit={submit} aria-label={t('Apply {{item}} again', { item: label })}>
      <p>
        {secret
          ? t('The task that creates the {{item}} was skipped or cancelled, so {{server}} does not have it. Queue that task again with a new password (the earlier one was not kept)?', { item: label, server: server.name })
          : t('The task that creates the {{item}} was skipped or cancelled, so {{server}} does not have it. Queue that task again?', { item: label, server: server.name })}
      </p>
      <FormError error={action.error} />
      {secret && (
        <Field name="password" label={t('New password (optional)')} error={action.fields.password} hint={passwordHint(t)}>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" autoFocus />
        </Field>
      )}
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy} autoFocus={!secret}>{t('Apply again')}</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.open(t('apply {{item}} again', { item: label }), { op: 'applyAgain', site: site.name, item }, apply)}>{t('Preview')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
      {preview.dialog}
    </form>
  );
}
