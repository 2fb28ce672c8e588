// Issuing a certificate from the ACME CA for a bound domain of a site: the names it covers (the
// domain and its aliases, each ticked, plus its wildcard), the challenge (HTTP-01: the server
// answers for each name; DNS-01: a TXT record in a zone Hostdeck holds — the only way to a
// wildcard), and what HTTPS does then (redirect, HSTS). "Check names" asks where each name
// leads before anything is asked of the CA; Issue checks again and queues the tasks (the order
// runs when the queue reaches it), Preview shows those tasks first. Names that fail can be left
// out by choice.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Challenge } from '../../shared/acme';
import type { Output } from '../../shared/api';
import type { NameCheck } from '../../shared/api/acme';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { Field, FormError, useAction } from './common';
import { PreviewDialog } from './PreviewDialog';

type Props = { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void>; domain?: string };

export function IssueCertificate({ server, site, onChanged, domain: given }: Props) {
  const { t } = useTranslation();
  const [domain, setDomain] = useState(given ?? site.domains[0]?.domain ?? '');
  const binding = site.domains.find((d) => d.domain === domain);
  const candidates = binding ? [binding.domain, ...binding.aliases, `*.${binding.domain}`] : [];
  const [picked, setPicked] = useState<Record<string, boolean>>({});
  const chosen = candidates.filter((n) => picked[n] ?? !n.startsWith('*.'));
  const [challenge, setChallenge] = useState<Challenge>('http-01');
  const [redirect, setRedirect] = useState(true);
  const [hsts, setHsts] = useState(false);
  const [dropFailing, setDropFailing] = useState(false);
  const [checks, setChecks] = useState<NameCheck[] | null>(null);
  const [preview, setPreview] = useState<Output<'acme.preview'> | null>(null);
  const action = useAction();
  const wildcard = chosen.some((n) => n.startsWith('*.'));

  if (site.domains.length === 0) return <p className="muted">{t('Bind a domain first: a certificate is for a bound domain and its aliases.')}</p>;

  const check = () =>
    action.run(async () => {
      setChecks((await client.call('acme.checkNames', { serverId: server.id, site: site.name, domain, names: chosen, challenge })).results);
    });

  const input = () => ({ serverId: server.id, site: site.name, domain, names: chosen, challenge, redirect, hsts, dropFailing });
  const showPreview = () =>
    action.run(async () => {
      setPreview(await client.call('acme.preview', input()));
    });

  async function issue(event?: FormEvent) {
    event?.preventDefault();
    setPreview(null);
    await action.run(async () => {
      const r = await client.call('acme.issue', input());
      setChecks(null);
      const left = r.dropped.length ? t(' (left out: {{names}})', { names: r.dropped.map((d) => d.name).join(', ') }) : '';
      await onChanged(t('Certificate for {{names}} queued on {{server}}{{left}}: ordered from the CA when the queue reaches it.', { names: r.names.join(', '), server: server.name, left }));
    });
  }

  const result = (name: string) => checks?.find((c) => c.name === name);
  return (
    <form className="form sub-form issue-certificate" onSubmit={issue} aria-label={t('Issue a certificate for {{site}}', { site: site.name })}>
      <FormError error={action.error} />
      {!given && site.domains.length > 1 && (
        <Field name="domain" label={t('Domain')} error={action.fields.domain}>
          <select value={domain} onChange={(e) => { setDomain(e.target.value); setPicked({}); setChecks(null); }}>
            {site.domains.map((d) => <option key={d.domain} value={d.domain}>{d.domain}</option>)}
          </select>
        </Field>
      )}
      <fieldset className="cert-names">
        <legend>{t('Names on the certificate')}</legend>
        <ul>
          {candidates.map((name) => {
            const r = result(name);
            return (
              <li key={name} data-name={name} data-check={r ? (r.ok ? 'ok' : 'failed') : undefined}>
                <label className="check">
                  <input type="checkbox" checked={chosen.includes(name)} onChange={(e) => { setPicked({ ...picked, [name]: e.target.checked }); setChecks(null); }} />
                  <code>{name}</code>
                </label>
                {r && <span className={r.ok ? 'name-ok' : 'name-failed'}>{r.ok ? '✓' : '✗'} {r.detail}</span>}
              </li>
            );
          })}
        </ul>
        {action.fields.names && <div className="field-error">{action.fields.names}</div>}
      </fieldset>
      <Field name="challenge" label={t('Challenge')} error={action.fields.challenge} hint={wildcard ? t('A wildcard needs DNS-01.') : t('HTTP-01: the server answers for each name. DNS-01: a TXT record in a zone Hostdeck holds.')}>
        <select value={challenge} onChange={(e) => { setChallenge(e.target.value as Challenge); setChecks(null); }}>
          <option value="http-01">{t('HTTP-01 (the server answers)')}</option>
          <option value="dns-01">{t('DNS-01 (TXT record in Hostdeck\'s zone)')}</option>
        </select>
      </Field>
      <div className="issue-options">
        <label className="check"><input type="checkbox" checked={redirect} onChange={(e) => setRedirect(e.target.checked)} /> {t('Redirect HTTP to HTTPS')}</label>
        <label className="check"><input type="checkbox" checked={hsts} onChange={(e) => setHsts(e.target.checked)} /> {t('HSTS (browsers then refuse plain HTTP)')}</label>
        <label className="check"><input type="checkbox" checked={dropFailing} onChange={(e) => setDropFailing(e.target.checked)} /> {t('Leave out names that fail the check')}</label>
      </div>
      <div className="actions">
        <button type="button" disabled={action.busy || chosen.length === 0} onClick={() => void check()}>{t('Check names')}</button>
        <button type="button" disabled={action.busy || chosen.length === 0} onClick={() => void showPreview()}>{t('Preview')}</button>
        <button className="primary" type="submit" disabled={action.busy || chosen.length === 0}>{t('Issue certificate')}</button>
      </div>
      {preview && (
        <PreviewDialog
          title={t('certificate for {{names}}', { names: preview.names.join(', ') })}
          tasks={preview.tasks}
          busy={action.busy}
          onQueue={() => void issue()}
          onBack={() => setPreview(null)}
        />
      )}
    </form>
  );
}

