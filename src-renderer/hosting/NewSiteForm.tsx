// "New site": name, quota and optionally its domains (the first one bound with the others as
// aliases), with the contract's field errors; "Preview" shows the tasks first.
import { useState, type FormEvent } from 'react';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { Field, FormError, firstError, splitList, useAction } from './common';
import { usePreview } from './PreviewDialog';

export function NewSiteForm({ server, onQueued }: { server: Server; onQueued: (message: string) => Promise<void> }) {
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
      await onQueued(`Site ${r.site.name} recorded; ${r.tasks.length === 1 ? '1 task' : `${r.tasks.length} tasks`} queued to create it on ${server.name}.`);
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void create();
  }

  return (
    <form className="panel form new-site" onSubmit={submit} aria-label="New site">
      <h3>New site</h3>
      <FormError error={action.error} />
      <div className="new-site-fields">
        <Field name="name" label="Name" error={f.name} hint={<>The Linux account and /home/&lt;name&gt;: a-z, digits, _ and -</>}>
          <input value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} autoComplete="off" />
        </Field>
        <Field name="quotaMb" label="Quota (MB)" error={f.quotaMb} hint="0 = no limit; where the filesystem supports quotas">
          <input value={quota} onChange={(e) => setQuota(e.target.value)} inputMode="numeric" />
        </Field>
        <Field name="domains" label="Domains (optional)" error={firstError(f, 'domains', 'domain', 'aliases')} hint="The first is bound with the others as its aliases">
          <input value={domains} onChange={(e) => setDomains(e.target.value)} spellCheck={false} autoComplete="off" placeholder="shop.example, www.shop.example" />
        </Field>
      </div>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>Create site</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.open(`create site ${name}`, { op: 'createSite', input: input() }, create)}>Preview</button>
      </div>
      {preview.dialog}
    </form>
  );
}
