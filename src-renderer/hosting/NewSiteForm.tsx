// "New site": name, quota and optionally its domains (the first one bound with the others as
// aliases), with the contract's field errors; "Preview" shows the tasks first.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { Field, FormError, firstError, splitList, useAction } from './common';
import { usePreview } from './PreviewDialog';

const DOMAINS_EXAMPLE = 'shop.example, www.shop.example';

export function NewSiteForm({ server, onQueued }: { server: Server; onQueued: (message: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [quota, setQuota] = useState('1024');
  const [domains, setDomains] = useState('');
  const action = useAction();
  const preview = usePreview(server.id, action);
  const f = action.fields;

  const input = () => {
    // A quota that is not a whole number reaches the contract as NaN and gets its field error there.
    const quotaMb = /^\s*\d+\s*$/.test(quota) ? Number(quota) : Number.NaN;
    const list = splitList(domains);
    return { name, quotaMb, ...(list.length > 0 ? { domains: list } : {}) };
  };

  const create = () =>
    action.run(async () => {
      const r = await client.call('hosting.createSite', { serverId: server.id, ...input() });
      setName('');
      setDomains('');
      await onQueued(t('Site {{site}} recorded; {{count, number}} tasks queued to create it on {{server}}.', { site: r.site.name, count: r.tasks.length, server: server.name }));
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void create();
  }

  return (
    <form className="panel form new-site" onSubmit={submit} aria-label={t('New site')}>
      <h3>{t('New site')}</h3>
      <FormError error={action.error} />
      <div className="new-site-fields">
        <Field name="name" label={t('Name')} error={f.name} hint={t('The Linux account and /home/<name>: a-z, digits, _ and -')}>
          <input value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} autoComplete="off" />
        </Field>
        <Field name="quotaMb" label={t('Quota (MB)')} error={f.quotaMb} hint={t('0 = no limit; where the filesystem supports quotas')}>
          <input value={quota} onChange={(e) => setQuota(e.target.value)} inputMode="numeric" />
        </Field>
        <Field name="domains" label={t('Domains (optional)')} error={firstError(f, 'domains', 'domain', 'aliases')} hint={t('The first is bound with the others as its aliases')}>
          <input value={domains} onChange={(e) => setDomains(e.target.value)} spellCheck={false} autoComplete="off" placeholder={DOMAINS_EXAMPLE} />
        </Field>
      </div>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>{t('Create site')}</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.open(t('create site {{name}}', { name }), { op: 'createSite', input: input() }, create)}>{t('Preview')}</button>
      </div>
      {preview.dialog}
    </form>
  );
}
