// "Delete zone…": takes the zone off every nameserver (a dns.remove task on each queue, done when
// the nameserver no longer serves it) and out of Hostdeck, after its name is typed.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { client } from '../client/client';
import { ActionError, Field, useAction } from './common';

export function DeleteZone({ zone, onDeleted }: { zone: string; onDeleted: (message: string) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const r = await client.call('dns.deleteZone', { zone, confirm: typed });
      onDeleted(t('{{zone}}: removal queued on {{count, number}} nameservers; each is done when it no longer serves the zone.', { zone, count: r.tasks.length }));
    });
  };

  if (!open) return <button className="danger" onClick={() => setOpen(true)}>{t('Delete zone…')}</button>;
  return (
    <form className="note note-warn dns-delete" onSubmit={submit} aria-label={t('Delete zone {{zone}}', { zone })}>
      <p>{t('Delete {{zone}} from every nameserver (its zone stanza and file) and from Hostdeck? It stops resolving there.', { zone })}</p>
      <ActionError error={action.error} fieldsShown={['confirm']} />
      <Field label={t('Type {{zone}} to confirm', { zone })} error={action.fields.confirm}>
        <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus spellCheck={false} autoComplete="off" />
      </Field>
      <div className="actions">
        <button className="danger solid" type="submit" disabled={action.busy || typed !== zone}>{t('Delete {{zone}}', { zone })}</button>
        <button type="button" onClick={() => { setOpen(false); setTyped(''); action.clear(); }}>{t('Keep it')}</button>
      </div>
    </form>
  );
}
