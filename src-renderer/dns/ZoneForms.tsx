// The forms above the zone list: a new zone (SOA and apex NS records), import of a live zone
// file from a nameserver (read over SFTP, parsed; its records become the zone, as pushed), each
// nameserver's DNS settings, and A/AAAA records for a site's domains.
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Nameserver } from '../../shared/api/dns';
import type { Server } from '../../shared/domain';
import type { NsSettings } from '../../shared/dns';
import { client } from '../client/client';
import { ActionError, Field, ttlOf, useAction } from './common';

const SOA_DEFAULTS = { refresh: 3600, retry: 600, expire: 1_209_600, minimum: 300 };
const NS_EXAMPLE = 'ns1.example.com., ns2.example.com.';

export function NewZoneForm({ onDone }: { onDone: (zone: string, message: string) => void }) {
  const { t } = useTranslation();
  const [zone, setZone] = useState('');
  const [ns, setNs] = useState('');
  const [email, setEmail] = useState('');
  const [ttl, setTtl] = useState('3600');
  const action = useAction();
  const f = action.fields;
  async function submit(event: FormEvent) {
    event.preventDefault();
    const nameservers = ns.split(/[\s,]+/).filter(Boolean);
    await action.run(async () => {
      const r = await client.call('dns.createZone', { zone: zone.trim().toLowerCase(), ttl: ttlOf(ttl), nameservers, soa: { primary: nameservers[0] ?? '', email: email.trim() || `hostmaster@${zone.trim().toLowerCase()}`, ...SOA_DEFAULTS } });
      setZone('');
      onDone(r.zone.name, t('Zone {{zone}} created; add its records, then push it.', { zone: r.zone.name }));
    });
  }
  return (
    <form className="panel form dns-form" onSubmit={(e) => void submit(e)} aria-label={t('New zone')}>
      <h3>{t('New zone')}</h3>
      <div className="dns-form-fields">
        <Field label={t('Zone')} error={f.zone} hint={t('like {{example}}', { example: 'example.com' })}>
          <input value={zone} onChange={(e) => setZone(e.target.value)} spellCheck={false} autoComplete="off" aria-label={t('Zone')} />
        </Field>
        <Field label={t('Nameservers')} error={f['nameservers.0'] ?? f.nameservers ?? f['soa.primary']} hint={t('its NS records; the first is the SOA primary')}>
          <input value={ns} onChange={(e) => setNs(e.target.value)} placeholder={NS_EXAMPLE} spellCheck={false} aria-label={t('Nameservers')} />
        </Field>
        <Field label={t('Hostmaster')} error={f['soa.email']} hint={t('default {{value}}', { value: 'hostmaster@<zone>' })}>
          <input value={email} onChange={(e) => setEmail(e.target.value)} spellCheck={false} aria-label={t('Hostmaster')} />
        </Field>
        <Field label={t('Default TTL (s)')} error={f.ttl}>
          <input value={ttl} onChange={(e) => setTtl(e.target.value)} inputMode="numeric" aria-label={t('Default TTL')} />
        </Field>
      </div>
      <ActionError error={action.error} fieldsShown={['zone', 'nameservers', 'nameservers.0', 'soa.primary', 'soa.email', 'ttl']} />
      <div className="actions"><button className="primary" type="submit" disabled={action.busy}>{t('Create zone')}</button></div>
    </form>
  );
}

export function ImportForm({ nameservers, onDone }: { nameservers: Nameserver[]; onDone: (zone: string, message: string) => void }) {
  const { t } = useTranslation();
  const [serverId, setServerId] = useState(nameservers[0]?.serverId ?? '');
  const [zone, setZone] = useState('');
  const [path, setPath] = useState('');
  const action = useAction();
  const f = action.fields;
  const ns = nameservers.find((n) => n.serverId === serverId) ?? nameservers[0];
  async function submit(event: FormEvent) {
    event.preventDefault();
    await action.run(async () => {
      const name = zone.trim().toLowerCase();
      const r = await client.call('dns.importZone', { serverId: ns?.serverId ?? '', zone: name, save: true, ...(path.trim() ? { path: path.trim() } : {}) });
      setZone('');
      setPath('');
      const imported = t('Imported {{zone}} from {{server}}: {{count, number}} records, serial {{serial}}.', { zone: name, server: ns?.name, count: r.zone.records.length, serial: r.serial });
      onDone(name, `${imported}${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}`);
    });
  }
  if (nameservers.length === 0) return null;
  return (
    <form className="panel form dns-form" onSubmit={(e) => void submit(e)} aria-label={t('Import a zone')}>
      <h3>{t('Import from a nameserver')}</h3>
      <div className="dns-form-fields">
        <Field label={t('Nameserver')} error={f.serverId}>
          <select value={ns?.serverId} onChange={(e) => setServerId(e.target.value)} aria-label={t('Nameserver')}>
            {nameservers.map((n) => <option key={n.serverId} value={n.serverId}>{n.name}</option>)}
          </select>
        </Field>
        <Field label={t('Zone')} error={f.zone}>
          <input value={zone} onChange={(e) => setZone(e.target.value)} spellCheck={false} autoComplete="off" aria-label={t('Zone to import')} />
        </Field>
        <Field label={t('Zone file (optional)')} error={f.path} hint={t('default {{value}}', { value: `${ns?.settings.zoneDir ?? ''}/db.<zone>` })}>
          <input value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} aria-label={t('Zone file')} />
        </Field>
      </div>
      <ActionError error={action.error} fieldsShown={['serverId', 'zone', 'path']} />
      <div className="actions"><button type="submit" disabled={action.busy}>{t('Import')}</button></div>
    </form>
  );
}

export function NsSettingsForm({ ns, onSaved }: { ns: Nameserver; onSaved: () => void }) {
  const { t } = useTranslation();
  const [s, setS] = useState(ns.settings);
  // The port as typed (a cleared or half-typed field stays as it is; the contract judges it on save).
  const [port, setPort] = useState(String(ns.settings.queryPort));
  const action = useAction();
  const f = action.fields;
  const text = (key: 'zoneDir' | 'zonesConf' | 'namedConf', label: string, hint: string) => (
    <Field label={label} error={f[`settings.${key}`]} hint={hint}>
      <input value={s[key]} onChange={(e) => setS({ ...s, [key]: e.target.value })} spellCheck={false} aria-label={t('{{label}} of {{name}}', { label, name: ns.name })} />
    </Field>
  );
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await action.run(async () => void (await client.call('dns.setSettings', { serverId: ns.serverId, settings: { ...s, queryPort: ttlOf(port) } })))) onSaved();
  }
  const nullable = (v: string) => (v.trim() === '' ? null : v.trim());
  return (
    <form className="dns-ns-settings" onSubmit={(e) => void submit(e)} aria-label={t('DNS settings of {{name}}', { name: ns.name })}>
      <h4>{ns.name} <span className="muted">{t('asked at {{address}}', { address: ns.queryAt })}</span></h4>
      <div className="dns-form-fields">
        {text('zoneDir', t('Zone directory'), t('zone files go here as db.<zone>'))}
        {text('zonesConf', t('Zones config'), t('Hostdeck keeps zone stanzas here; named.conf must include it'))}
        {text('namedConf', 'named.conf', t('checked with named-checkconf'))}
        <Field label={t('rndc config')} error={f['settings.rndcConf']} hint={t("rndc -c; empty = rndc's default")}>
          <input value={s.rndcConf ?? ''} onChange={(e) => setS({ ...s, rndcConf: nullable(e.target.value) as NsSettings['rndcConf'] })} spellCheck={false} aria-label={t('{{label}} of {{name}}', { label: t('rndc config'), name: ns.name })} />
        </Field>
        <Field label={t('Query address')} error={f['settings.queryHost']} hint={t("empty = the server's SSH host")}>
          <input value={s.queryHost ?? ''} onChange={(e) => setS({ ...s, queryHost: nullable(e.target.value) })} spellCheck={false} aria-label={t('{{label}} of {{name}}', { label: t('Query address'), name: ns.name })} />
        </Field>
        <Field label={t('DNS port')} error={f['settings.queryPort']}>
          <input value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" aria-label={t('{{label}} of {{name}}', { label: t('DNS port'), name: ns.name })} />
        </Field>
      </div>
      <ActionError error={action.error} fieldsShown={Object.keys(f)} />
      <div className="actions"><button type="submit" disabled={action.busy}>{t('Save settings of {{name}}', { name: ns.name })}</button></div>
    </form>
  );
}

/** A/AAAA records for a site's domains and aliases in one step, each in its longest-matching zone. */
export function SiteRecordsForm({ servers, onDone }: { servers: Server[]; onDone: (zone: string | null, message: string) => void }) {
  const { t } = useTranslation();
  const web = servers.filter((s) => s.roles.includes('web'));
  const [serverId, setServerId] = useState(web[0]?.id ?? '');
  const [site, setSite] = useState('');
  const [addresses, setAddresses] = useState('');
  const sites = useQuery({ queryKey: ['hosting.sites', serverId], queryFn: () => client.call('hosting.sites', { serverId }), enabled: serverId !== '' });
  const action = useAction();
  const f = action.fields;
  const server = web.find((s) => s.id === serverId);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const list = addresses.split(/[\s,]+/).filter(Boolean);
    await action.run(async () => {
      const r = await client.call('dns.addSiteRecords', { serverId, site, addresses: list.length ? list : [server?.host ?? ''] });
      const zones = [...new Set(r.added.map((a) => a.zone))];
      const missed = r.uncovered.length ? ` ${t('No zone covers {{names}}.', { names: r.uncovered.join(', ') })}` : '';
      onDone(zones[0] ?? null, `${t('{{count, number}} records added for {{site}} in {{zones}}; push to publish them.', { count: r.added.length, site, zones: zones.join(', ') || t('no zone') })}${missed}`);
    });
  }
  if (web.length === 0) return null;
  return (
    <form className="panel form dns-form" onSubmit={(e) => void submit(e)} aria-label={t('Records for a site')}>
      <h3>{t("Records for a site's domains")}</h3>
      <div className="dns-form-fields">
        <Field label={t('Web server')} error={f.serverId}>
          <select value={serverId} onChange={(e) => { setServerId(e.target.value); setSite(''); }} aria-label={t('Web server')}>
            {web.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </Field>
        <Field label={t('Site')} error={f.site}>
          <select value={site} onChange={(e) => setSite(e.target.value)} aria-label={t('Site')}>
            <option value="">{t('Choose a site')}</option>
            {(sites.data?.sites ?? []).map((s) => <option key={s.name} value={s.name}>{s.name} ({s.domains.map((d) => d.domain).join(', ') || t('no domains')})</option>)}
          </select>
        </Field>
        <Field label={t('Addresses')} error={f.addresses ?? f['addresses.0']} hint={t('IPv4 / IPv6, comma-separated; default {{host}}', { host: server?.host ?? t('the server host') })}>
          <input value={addresses} onChange={(e) => setAddresses(e.target.value)} spellCheck={false} aria-label={t('Addresses')} />
        </Field>
      </div>
      <ActionError error={action.error} fieldsShown={['serverId', 'site', 'addresses', 'addresses.0']} />
      <div className="actions"><button type="submit" disabled={action.busy || site === ''}>{t('Add A/AAAA records')}</button></div>
    </form>
  );
}
