// A site's domains: each bound domain with its aliases (one nginx server block serving the
// site's web root); "Bind domain" (domain, aliases separated by commas or spaces) and "Unbind…",
// both with a Preview of their tasks. Binding a domain the site already has replaces its aliases.
// A domain whose task was skipped or cancelled shows "not applied" with Apply again… and Forget.
import { useState, type FormEvent } from 'react';
import { itemState, type SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { client } from '../client/client';
import { Field, FormError, ItemStateTag, firstError, splitList, useAction, useNotApplied } from './common';
import { usePreview } from './PreviewDialog';

type Props = { server: Server; site: SiteRecord; tasks: Task[]; onChanged: (message: string) => Promise<void> };

export function Domains({ server, site, tasks, onChanged }: Props) {
  const [binding, setBinding] = useState(false);
  const [unbinding, setUnbinding] = useState<string | null>(null);
  const notApplied = useNotApplied(server, site, onChanged);

  return (
    <section className="site-part domains" data-site={site.name} aria-label={`Domains of ${site.name}`}>
      <h4>Domains</h4>
      {site.domains.length === 0 ? <p className="muted">No domains bound.</p> : (
        <ul className="item-list">
          {site.domains.map((b) => {
            const state = itemState(site, 'domain', b.domain, tasks);
            return (
              <li key={b.domain} data-domain={b.domain} data-state={state}>
                <span className="item-main">
                  <span><code>{b.domain}</code> <ItemStateTag state={state} /></span>
                  {b.aliases.length > 0 && <span className="item-sub">also {b.aliases.map((a, i) => <span key={a}>{i > 0 ? ', ' : ''}<code>{a}</code></span>)}</span>}
                </span>
                <span className="item-actions">
                  {state === 'not-applied'
                    ? notApplied.actions({ kind: 'domain', name: b.domain })
                    : <button className="link danger" onClick={() => { setBinding(false); setUnbinding(b.domain); }} aria-label={`Unbind ${b.domain}`}>Unbind…</button>}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {notApplied.panel}
      {unbinding && (
        <Unbind
          key={unbinding}
          server={server}
          site={site}
          domain={unbinding}
          onCancel={() => setUnbinding(null)}
          onDone={async (message) => { setUnbinding(null); await onChanged(message); }}
        />
      )}
      {binding
        ? <BindDomain server={server} site={site} onCancel={() => setBinding(false)} onDone={async (message) => { setBinding(false); await onChanged(message); }} />
        : <button onClick={() => { setUnbinding(null); setBinding(true); }}>Bind domain</button>}
    </section>
  );
}

type FormProps = { server: Server; site: SiteRecord; onCancel: () => void; onDone: (message: string) => Promise<void> };

function BindDomain({ server, site, onCancel, onDone }: FormProps) {
  const [domain, setDomain] = useState('');
  const [aliases, setAliases] = useState('');
  const action = useAction();
  const preview = usePreview(server.id, action);
  const f = action.fields;
  const input = { site: site.name, domain: domain.trim(), aliases: splitList(aliases) };

  const bind = () =>
    action.run(async () => {
      await client.call('hosting.bindDomain', { serverId: server.id, ...input });
      await onDone(`Binding of ${input.domain} to ${site.name} queued on ${server.name}.`);
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void bind();
  }

  return (
    <form className="form sub-form" onSubmit={submit} aria-label={`Bind a domain to ${site.name}`}>
      <FormError error={action.error} />
      <Field name="domain" label="Domain" error={f.domain} hint="Like shop.example (punycode for non-ASCII names)">
        <input value={domain} onChange={(e) => setDomain(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <Field name="aliases" label="Aliases (optional)" error={firstError(f, 'aliases')} hint="Separated by commas or spaces, like www.shop.example">
        <input value={aliases} onChange={(e) => setAliases(e.target.value)} spellCheck={false} autoComplete="off" />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>Bind domain</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.open(`bind ${input.domain || 'a domain'} to ${site.name}`, { op: 'bindDomain', input }, bind)}>Preview</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
      {preview.dialog}
    </form>
  );
}

function Unbind({ server, site, domain, onCancel, onDone }: FormProps & { domain: string }) {
  const action = useAction();
  const preview = usePreview(server.id, action);
  const unbind = () =>
    action.run(async () => {
      await client.call('hosting.unbindDomain', { serverId: server.id, site: site.name, domain });
      await onDone(`Unbinding of ${domain} from ${site.name} queued on ${server.name}.`);
    });

  return (
    <div className="note note-warn" role="alertdialog" aria-label={`Unbind ${domain}`}>
      <p>Unbind <strong>{domain}</strong> from {site.name}? Its server block is removed and nginx stops serving it from this site; the site's files stay.</p>
      <FormError error={action.error} />
      <div className="actions">
        <button className="danger solid" disabled={action.busy} onClick={() => void unbind()}>Unbind {domain}</button>
        <button disabled={action.busy} onClick={() => void preview.open(`unbind ${domain}`, { op: 'unbindDomain', site: site.name, domain }, unbind)}>Preview</button>
        <button onClick={onCancel} autoFocus>Keep it</button>
      </div>
      {preview.dialog}
    </div>
  );
}
