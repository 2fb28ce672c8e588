// A site's domains: each bound domain with its aliases (one nginx server block serving the
// site's web root); "Bind domain" (domain, aliases separated by commas or spaces) and "Unbind…",
// both with a Preview of their tasks. Binding a domain the site already has replaces its aliases.
// A domain whose task was skipped or cancelled shows "not applied" with Apply again… and Forget.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { itemState, type SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import type { Task } from '../../shared/queue';
import { client } from '../client/client';
import { Field, FormError, ItemStateTag, firstError, splitList, useAction, useNotApplied } from './common';
import { usePreview } from './PreviewDialog';

type Props = { server: Server; site: SiteRecord; tasks: Task[]; onChanged: (message: string) => Promise<void> };

export function Domains({ server, site, tasks, onChanged }: Props) {
  const { t } = useTranslation();
  const [binding, setBinding] = useState(false);
  const [unbinding, setUnbinding] = useState<string | null>(null);
  const notApplied = useNotApplied(server, site, onChanged);

  return (
    <section className="site-part domains" data-site={site.name} aria-label={t('Domains of {{site}}', { site: site.name })}>
      <h4>{t('Domains')}</h4>
      {site.domains.length === 0 ? <p className="muted">{t('No domains bound.')}</p> : (
        <ul className="item-list">
          {site.domains.map((b) => {
            const state = itemState(site, 'domain', b.domain, tasks);
            return (
              <li key={b.domain} data-domain={b.domain} data-state={state}>
                <span className="item-main">
                  <span><code>{b.domain}</code> <ItemStateTag state={state} /></span>
                  {b.aliases.length > 0 && <span className="item-sub">{t('also')} {b.aliases.map((a, i) => <span key={a}>{i > 0 ? ', ' : ''}<code>{a}</code></span>)}</span>}
                </span>
                <span className="item-actions">
                  {state === 'not-applied'
                    ? notApplied.actions({ kind: 'domain', name: b.domain })
                    : <button className="link danger" onClick={() => { setBinding(false); setUnbinding(b.domain); }} aria-label={t('Unbind {{domain}}', { domain: b.domain })}>{t('Unbind…')}</button>}
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
        : <button onClick={() => { setUnbinding(null); setBinding(true); }}>{t('Bind domain')}</button>}
    </section>
  );
}

type FormProps = { server: Server; site: SiteRecord; onCancel: () => void; onDone: (message: string) => Promise<void> };

function BindDomain({ server, site, onCancel, onDone }: FormProps) {
  const { t } = useTranslation();
  const [domain, setDomain] = useState('');
  const [aliases, setAliases] = useState('');
  const action = useAction();
  const preview = usePreview(server.id, action);
  const f = action.fields;
  const input = { site: site.name, domain: domain.trim(), aliases: splitList(aliases) };

  const bind = () =>
    action.run(async () => {
      await client.call('hosting.bindDomain', { serverId: server.id, ...input });
      await onDone(t('Binding of {{domain}} to {{site}} queued on {{server}}.', { domain: input.domain, site: site.name, server: server.name }));
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void bind();
  }

  return (
    <form className="form sub-form" onSubmit={submit} aria-label={t('Bind a domain to {{site}}', { site: site.name })}>
      <FormError error={action.error} />
      <Field name="domain" label={t('Domain')} error={f.domain} hint={t('Like shop.example (punycode for non-ASCII names)')}>
        <input value={domain} onChange={(e) => setDomain(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <Field name="aliases" label={t('Aliases (optional)')} error={firstError(f, 'aliases')} hint={t('Separated by commas or spaces, like www.shop.example')}>
        <input value={aliases} onChange={(e) => setAliases(e.target.value)} spellCheck={false} autoComplete="off" />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>{t('Bind domain')}</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.open(t('bind {{domain}} to {{site}}', { domain: input.domain || t('a domain'), site: site.name }), { op: 'bindDomain', input }, bind)}>{t('Preview')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
      {preview.dialog}
    </form>
  );
}

function Unbind({ server, site, domain, onCancel, onDone }: FormProps & { domain: string }) {
  const { t } = useTranslation();
  const action = useAction();
  const preview = usePreview(server.id, action);
  const unbind = () =>
    action.run(async () => {
      await client.call('hosting.unbindDomain', { serverId: server.id, site: site.name, domain });
      await onDone(t('Unbinding of {{domain}} from {{site}} queued on {{server}}.', { domain, site: site.name, server: server.name }));
    });

  return (
    <div className="note note-warn" role="alertdialog" aria-label={t('Unbind {{domain}}', { domain })}>
      <p>{t('Unbind')} <strong>{domain}</strong> {t('from {{site}}? Its server block is removed and nginx stops serving it from this site; the site\'s files stay.', { site: site.name })}</p>
      <FormError error={action.error} />
      <div className="actions">
        <button className="danger solid" disabled={action.busy} onClick={() => void unbind()}>{t('Unbind {{domain}}', { domain })}</button>
        <button disabled={action.busy} onClick={() => void preview.open(t('unbind {{domain}}', { domain }), { op: 'unbindDomain', site: site.name, domain }, unbind)}>{t('Preview')}</button>
        <button onClick={onCancel} autoFocus>{t('Keep it')}</button>
      </div>
      {preview.dialog}
    </div>
  );
}
