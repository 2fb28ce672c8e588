// A site's HTTPS, per bound domain: the certificate installed on the server (read from it: names,
// issuer, expiry with days left — a warning under EXPIRY_WARNING_DAYS, red once expired — and
// whether it came from ACME, renewed by itself, or was uploaded, which Hostdeck cannot renew),
// the redirect and HSTS options, "Upload certificate…" (paste or choose PEM files; each error
// under its field; the key is masked and never shown back), "Issue with ACME…", "Renew now" and
// "Remove HTTPS…" (the domain typed to confirm). Each change has a Preview of its tasks.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SiteRecord } from '../../shared/api/hosting';
import { daysLeft, type InstalledCert, type TlsChange } from '../../shared/api/tls';
import type { Server } from '../../shared/domain';
import { DEFAULT_TLS_OPTIONS, EXPIRY_WARNING_DAYS, type SiteTls } from '../../shared/tls';
import { client } from '../client/client';
import { useQueue } from '../queue/hooks';
import { Field, FormError, useAction } from './common';
import { IssueCertificate } from './IssueCertificate';
import { usePreview } from './PreviewDialog';

// PEM headers, the same in every language.
const PEM_CERT = '-----BEGIN CERTIFICATE-----';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----';

type Props = { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void> };
type Open = { domain: string; what: 'upload' | 'issue' | 'remove' } | null;

/** The preview of a domain's HTTPS change (tls.preview), in the hosting forms' dialog. */
function useTlsPreview(server: Server, site: SiteRecord, domain: string, action: ReturnType<typeof useAction>) {
  const preview = usePreview(server.id, action);
  const open = (title: string, change: TlsChange, queue: (() => Promise<unknown>) | null, blocked?: string) =>
    preview.show(title, async () => (await client.call('tls.preview', { serverId: server.id, site: site.name, domain, change })).tasks, queue, blocked);
  return { open, dialog: preview.dialog };
}

export function Https({ server, site, onChanged }: Props) {
  const { t } = useTranslation();
  const tasks = useQueue(server.id).data?.tasks ?? [];
  // Read again whenever an HTTPS or binding task of the server has finished.
  const finished = tasks.filter((task) => (task.kind.startsWith('tls.') || task.kind === 'domain.bind') && task.status === 'done').map((task) => task.id).join(',');
  const status = useQuery({ queryKey: ['tls.status', server.id, finished], queryFn: () => client.call('tls.status', { serverId: server.id }), placeholderData: keepPreviousData });
  const [open, setOpen] = useState<Open>(null);
  const done = async (message: string) => {
    setOpen(null);
    await onChanged(message);
  };
  return (
    <section className="site-part https" data-site={site.name} aria-label={t('HTTPS of {{name}}', { name: site.name })}>
      <h4>HTTPS</h4>
      {site.domains.length === 0 && <p className="muted">{t('Bind a domain first: a certificate is for a bound domain and its aliases.')}</p>}
      {status.error && <p className="note note-error" role="alert">{t('Could not read the certificates on {{server}}:', { server: server.name })} {status.error.message}</p>}
      {status.data?.problems.filter((p) => p.includes(`/${site.name}/`)).map((p) => <p key={p} className="note note-warn">{p}</p>)}
      <ul className="https-domains">
        {site.domains.map((b) => {
          const record = site.tls.find((x) => x.domain === b.domain);
          const cert = status.data?.certs.find((c) => c.site === site.name && c.domain === b.domain);
          const waiting = tasks.some((task) => (task.status === 'pending' || task.status === 'running') && task.kind.startsWith('tls.') && task.params.site === site.name && task.params.domain === b.domain);
          return (
            <li key={b.domain} className="https-domain" data-domain={b.domain} aria-label={t('HTTPS of {{name}}', { name: b.domain })}>
              <div className="https-head">
                <strong>{b.domain}</strong>
                {waiting && <span className="item-state task-status task-pending">{t('queued')}</span>}
              </div>
              <CertSummary cert={cert} record={record} loading={status.isLoading} />
              {record && <Options server={server} site={site} record={record} onChanged={onChanged} />}
              {open?.domain === b.domain && open.what === 'upload' && <UploadForm server={server} site={site} domain={b.domain} aliases={b.aliases} record={record} onCancel={() => setOpen(null)} onDone={done} />}
              {open?.domain === b.domain && open.what === 'issue' && (
                <div className="https-issue">
                  <IssueCertificate server={server} site={site} domain={b.domain} onChanged={done} />
                  <div className="actions"><button type="button" onClick={() => setOpen(null)}>{t('Close')}</button></div>
                </div>
              )}
              {open?.domain === b.domain && open.what === 'remove' && <RemoveHttps server={server} site={site} domain={b.domain} onCancel={() => setOpen(null)} onDone={done} />}
              {open?.domain !== b.domain && (
                <div className="actions">
                  <button onClick={() => setOpen({ domain: b.domain, what: 'upload' })}>{t('Upload certificate…')}</button>
                  <button onClick={() => setOpen({ domain: b.domain, what: 'issue' })}>{t('Issue with ACME…')}</button>
                  {record?.source === 'acme' && <RenewNow server={server} site={site} domain={b.domain} onChanged={onChanged} />}
                  {record && <button className="link danger" onClick={() => setOpen({ domain: b.domain, what: 'remove' })}>{t('Remove HTTPS…')}</button>}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

const day = (iso: string) => iso.slice(0, 10);

function CertSummary({ cert, record, loading }: { cert: InstalledCert | undefined; record: SiteTls | undefined; loading: boolean }) {
  const { t } = useTranslation();
  if (!cert) {
    if (loading) return <p className="muted">{t('Reading the certificate on the server…')}</p>;
    return <p className="muted" data-testid="https-status">{record ? t('No certificate on the server yet (its task has not run, or failed).') : t('No certificate: plain HTTP only.')}</p>;
  }
  const left = daysLeft(cert.notAfter);
  const tone = left < 0 ? 'expired' : left < EXPIRY_WARNING_DAYS ? 'expiring' : 'valid';
  const uploaded = record?.source !== 'acme';
  return (
    <div className="cert-summary" data-testid="https-status" data-tone={tone}>
      <p>
        <span className={`cert-expiry cert-${tone}`}>
          {left < 0 ? t('Expired on {{date}}', { date: day(cert.notAfter) }) : t('Valid until {{date}} ({{count, number}} days left)', { date: day(cert.notAfter), count: left })}
        </span>
        {' · '}{t('issued by')} <strong>{cert.issuer}</strong>
        {' · '}{record?.source === 'acme' ? t('ACME, renewed by itself 30 days before expiry') : t('uploaded')}
      </p>
      <p className="muted cert-names">{t('Names: {{names}}', { names: cert.names.join(', ') })}</p>
      {uploaded && tone !== 'valid' && <p className="note note-warn">{t('Hostdeck does not renew an uploaded certificate: upload a new one, or issue one with ACME.')}</p>}
    </div>
  );
}

function Options({ server, site, record, onChanged }: { server: Server; site: SiteRecord; record: SiteTls; onChanged: (m: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [redirect, setRedirect] = useState(record.redirect);
  const [hsts, setHsts] = useState(record.hsts);
  const action = useAction();
  const preview = useTlsPreview(server, site, record.domain, action);
  const changed = redirect !== record.redirect || hsts !== record.hsts;
  const save = () =>
    action.run(async () => {
      await client.call('tls.setOptions', { serverId: server.id, site: site.name, domain: record.domain, redirect, hsts });
      await onChanged(t('HTTPS options of {{domain}} queued on {{server}}.', { domain: record.domain, server: server.name }));
    });
  return (
    <div className="https-options">
      <FormError error={action.error} />
      <label><input type="checkbox" checked={redirect} onChange={(e) => setRedirect(e.target.checked)} /> {t('Redirect HTTP to HTTPS')}</label>
      <label><input type="checkbox" checked={hsts} onChange={(e) => setHsts(e.target.checked)} /> {t('HSTS (browsers then refuse plain HTTP for a year)')}</label>
      {changed && <button disabled={action.busy} onClick={() => void save()}>{t('Save options')}</button>}
      {changed && <button disabled={action.busy} onClick={() => void preview.open(t('HTTPS options of {{domain}}', { domain: record.domain }), { op: 'options', redirect, hsts }, save)}>{t('Preview')}</button>}
      {preview.dialog}
    </div>
  );
}

function RenewNow({ server, site, domain, onChanged }: { server: Server; site: SiteRecord; domain: string; onChanged: (m: string) => Promise<void> }) {
  const { t } = useTranslation();
  const action = useAction();
  const renew = () =>
    action.run(async () => {
      await client.call('tls.renew', { serverId: server.id, site: site.name, domain });
      await onChanged(t('Renewal of the certificate of {{domain}} queued on {{server}}.', { domain, server: server.name }));
    });
  return (
    <>
      <button disabled={action.busy} onClick={() => void renew()}>{t('Renew now')}</button>
      <FormError error={action.error} />
    </>
  );
}

/** A PEM file's text into a field (files are small; the size limit is the contract's). */
function readInto(set: (text: string) => void) {
  return (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) void file.text().then(set);
    event.target.value = '';
  };
}

type UploadProps = { server: Server; site: SiteRecord; domain: string; aliases: string[]; record: SiteTls | undefined; onCancel: () => void; onDone: (m: string) => Promise<void> };

function UploadForm({ server, site, domain, aliases, record, onCancel, onDone }: UploadProps) {
  const { t } = useTranslation();
  const [chainPem, setChain] = useState('');
  const [keyPem, setKey] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [redirect, setRedirect] = useState(record?.redirect ?? DEFAULT_TLS_OPTIONS.redirect);
  const [hsts, setHsts] = useState(record?.hsts ?? DEFAULT_TLS_OPTIONS.hsts);
  const action = useAction();
  const preview = useTlsPreview(server, site, domain, action);
  const f = action.fields;

  const upload = () =>
    action.run(async () => {
      const r = await client.call('tls.upload', { serverId: server.id, site: site.name, domain, chainPem, keyPem, ...(passphrase ? { passphrase } : {}), redirect, hsts });
      setKey('');
      setPassphrase('');
      await onDone(t('Certificate for {{names}} (until {{date}}) queued for {{domain}} on {{server}}.', { names: r.cert.names.join(', '), date: day(r.cert.notAfter), domain, server: server.name }));
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void upload();
  }

  return (
    <>
      {/* Hidden while its preview is open: nothing of the key field shows behind the dialog. */}
      <form className="form sub-form upload-certificate" hidden={Boolean(preview.dialog)} onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()} aria-label={t('Upload a certificate for {{domain}}', { domain })}>
        <p className="muted">{t('It must cover {{names}}. The key is held only until its task has run.', { names: [domain, ...aliases].join(', ') })}</p>
        <FormError error={action.error} />
        <Field name="chainPem" label={t('Certificate (PEM; the certificate first, then its intermediates)')} error={f.chainPem}>
          <textarea value={chainPem} onChange={(e) => setChain(e.target.value)} rows={5} spellCheck={false} placeholder={PEM_CERT} autoFocus />
        </Field>
        <label className="file-pick">{t('Or choose a file:')} <input type="file" accept=".pem,.crt,.cer,.txt" aria-label={t('Certificate file')} onChange={readInto(setChain)} /></label>
        <Field name="keyPem" label={t('Private key (PEM)')} error={f.keyPem}>
          <textarea className="secret-text" value={keyPem} onChange={(e) => setKey(e.target.value)} rows={3} spellCheck={false} autoComplete="off" placeholder={PEM_KEY} />
        </Field>
        <label className="file-pick">{t('Or choose a file:')} <input type="file" accept=".pem,.key,.txt" aria-label={t('Private key file')} onChange={readInto(setKey)} /></label>
        <Field name="passphrase" label={t('Passphrase (only for an encrypted key)')} error={f.passphrase}>
          <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" />
        </Field>
        <label><input type="checkbox" checked={redirect} onChange={(e) => setRedirect(e.target.checked)} /> {t('Redirect HTTP to HTTPS')}</label>
        <label><input type="checkbox" checked={hsts} onChange={(e) => setHsts(e.target.checked)} /> {t('HSTS')}</label>
        <div className="actions">
          <button type="submit" disabled={action.busy}>{t('Upload and install')}</button>
          <button type="button" disabled={action.busy} onClick={() => void preview.open(t('certificate for {{names}}', { names: domain }), { op: 'upload', chainPem, redirect, hsts }, upload)}>{t('Preview')}</button>
          <button type="button" onClick={onCancel}>{t('Cancel')}</button>
        </div>
      </form>
      {preview.dialog}
    </>
  );
}

function RemoveHttps({ server, site, domain, onCancel, onDone }: { server: Server; site: SiteRecord; domain: string; onCancel: () => void; onDone: (m: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const action = useAction();
  const preview = useTlsPreview(server, site, domain, action);
  const matches = typed === domain;
  const remove = () =>
    action.run(async () => {
      await client.call('tls.remove', { serverId: server.id, site: site.name, domain, confirm: typed });
      await onDone(t('Removal of HTTPS from {{domain}} queued on {{server}}.', { domain, server: server.name }));
    });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) void remove();
  }
  return (
    <>
      <form className="note note-warn remove-https" role="alertdialog" aria-label={t('Remove HTTPS from {{domain}}', { domain })} onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
        <p>{t('{{domain}} goes back to plain HTTP; its certificate and key are deleted from the server.', { domain })}</p>
        <FormError error={action.error} />
        <Field name="confirm" label={t('Type {{domain}} to confirm', { domain })} error={action.fields.confirm}>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
        </Field>
        <div className="actions">
          <button className="danger solid" type="submit" disabled={action.busy || !matches}>{t('Remove HTTPS')}</button>
          <button type="button" disabled={action.busy} onClick={() => void preview.open(t('remove HTTPS from {{domain}}', { domain }), { op: 'remove' }, matches ? remove : null, t('Type {{domain}} in the confirmation to queue these tasks.', { domain }))}>{t('Preview')}</button>
          <button type="button" onClick={onCancel}>{t('Keep it')}</button>
        </div>
      </form>
      {preview.dialog}
    </>
  );
}
