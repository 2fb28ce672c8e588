// The ACME CA Hostdeck orders certificates from (for every server): its directory URL (Let's
// Encrypt by default, any https URL), the contact address, the root of a private CA whose API
// the workstation must trust, and the DNS server names are checked at before an order. The
// account key is made on the first order and kept in the OS keychain; it never shows here.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_ACME_SETTINGS, LETS_ENCRYPT_DIRECTORY, LETS_ENCRYPT_STAGING_DIRECTORY, type AcmeSettings as Settings } from '../../shared/acme';
import { client } from '../client/client';
import { Field, FormError, useAction } from './common';
import { msg } from '../i18n';

const PRESETS: [string, string][] = [
  [LETS_ENCRYPT_DIRECTORY, "Let's Encrypt"],
  [LETS_ENCRYPT_STAGING_DIRECTORY, msg("Let's Encrypt staging (test certificates)")],
];

const PEM_START = '-----BEGIN CERTIFICATE-----';

export function AcmeSettings() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const current = useQuery({ queryKey: ['acme.settings'], queryFn: () => client.call('acme.settings', {}) });
  const stored = current.data?.settings ?? DEFAULT_ACME_SETTINGS;
  const [v, setV] = useState<Settings>(stored);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  // The form starts from what is stored once it has loaded (and again after a save).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setV(stored), [current.data]);
  const changed = JSON.stringify(v) !== JSON.stringify(stored);
  const set = (change: Partial<Settings>) => {
    setSaved(false);
    setV({ ...v, ...change });
  };
  const preset = t(PRESETS.find(([url]) => url === stored.directoryUrl)?.[1] ?? msg('a custom CA'));

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const ok = await action.run(async () => {
      const r = await client.call('acme.setSettings', v);
      queryClient.setQueryData(['acme.settings'], r);
    });
    setSaved(ok);
  }

  return (
    <details className="panel acme-settings">
      <summary>
        <strong>{t('ACME settings')}</strong>
        <span className="muted"> · {t('certificates from {{ca}}', { ca: preset })} · {stored.email ? t('contact {{email}}', { email: stored.email }) : t('no contact address')}</span>
      </summary>
      <form className="form" onSubmit={save} aria-label={t('ACME settings')}>
        <FormError error={action.error} />
        {saved && !changed && <div className="note note-ok" role="status">{t('Saved. Certificates ordered from now on use these settings.')}</div>}
        <div className="settings-groups">
          <fieldset>
            <legend>{t('Certificate authority')}</legend>
            <Field name="directoryUrl" label={t('ACME directory URL')} error={action.fields.directoryUrl} hint={t('https only. The account key for each directory is made on the first order and kept in the OS keychain.')}>
              <input value={v.directoryUrl} onChange={(e) => set({ directoryUrl: e.target.value })} list="acme-presets" spellCheck={false} autoComplete="off" />
            </Field>
            <datalist id="acme-presets">
              {PRESETS.map(([url, label]) => <option key={url} value={url}>{t(label)}</option>)}
            </datalist>
            <Field name="email" label={t('Contact email')} error={action.fields.email} hint={t('The CA writes here about expiring certificates and problems; may be empty')}>
              <input value={v.email} onChange={(e) => set({ email: e.target.value })} type="email" spellCheck={false} autoComplete="off" />
            </Field>
          </fieldset>
          <fieldset>
            <legend>{t('Trust and names')}</legend>
            <Field name="caRootPem" label={t('Root of a private CA (PEM)')} error={action.fields.caRootPem} hint={t("Only for a CA whose API certificate the system does not trust (a test CA); empty for Let's Encrypt")}>
              <textarea value={v.caRootPem} onChange={(e) => set({ caRootPem: e.target.value })} rows={3} spellCheck={false} placeholder={PEM_START} />
            </Field>
            <Field name="resolver" label={t('Resolver for the name check')} error={action.fields.resolver} hint={t("A DNS server (192.0.2.53 or 192.0.2.53:5353) asked where each name points before an order; empty = this computer's")}>
              <input value={v.resolver} onChange={(e) => set({ resolver: e.target.value })} spellCheck={false} autoComplete="off" />
            </Field>
          </fieldset>
        </div>
        <div className="actions">
          <button className="primary" type="submit" disabled={action.busy || !changed}>{t('Save ACME settings')}</button>
          <button type="button" disabled={action.busy || !changed} onClick={() => { setV(stored); action.clear(); }}>{t('Revert')}</button>
        </div>
      </form>
    </details>
  );
}
