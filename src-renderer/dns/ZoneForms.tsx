// The forms above the zone list: a new zone (SOA and apex NS records), import of a live zone
// file from a nameserver (read over SFTP, parsed; its records become the zone, as pushed), each
// nameserver's DNS settings, and A/AAAA records for a site's domains.
import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { Nameserver } from '../../shared/api/dns';
import type { Server } from '../../shared/domain';
import type { NsSettings } from '../../shared/dns';
import { client } from '../client/client';
import { ActionError, Field, ttlOf, useAction } from './common';

const SOA_DEFAULTS = { refresh: 3600, retry: 600, expire: 1_209_600, minimum: 300 };

export function NewZoneForm({ onDone }: { onDone: (zone: string, message: string) => void }) {
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
      onDone(r.zone.name, `Zone ${r.zone.name} created; add its records, then push it.`);
    });
  }
  return (
    <form className="panel form dns-form" onSubmit={(e) => void submit(e)} aria-label="New zone">
      <h3>New zone</h3>
      <div className="dns-form-fields">
        <Field label="Zone" error={f.zone} hint="like example.com">
          <input value={zone} onChange={(e) => setZone(e.target.value)} spellCheck={false} autoComplete="off" aria-label="Zone" />
        </Field>
        <Field label="Nameservers" error={f['nameservers.0'] ?? f.nameservers ?? f['soa.primary']} hint="its NS records; the first is the SOA primary">
          <input value={ns} onChange={(e) => setNs(e.target.value)} placeholder="ns1.example.com., ns2.example.com." spellCheck={false} aria-label="Nameservers" />
        </Field>
        <Field label="Hostmaster" error={f['soa.email']} hint="default hostmaster@<zone>">
          <input value={email} onChange={(e) => setEmail(e.target.value)} spellCheck={false} aria-label="Hostmaster" />
        </Field>
        <Field label="Default TTL (s)" error={f.ttl}>
          <input value={ttl} onChange={(e) => setTtl(e.target.value)} inputMode="numeric" aria-label="Default TTL" />
        </Field>
      </div>
      <ActionError error={action.error} fieldsShown={['zone', 'nameservers', 'nameservers.0', 'soa.primary', 'soa.email', 'ttl']} />
      <div className="actions"><button className="primary" type="submit" disabled={action.busy}>Create zone</button></div>
    </form>
  );
}

export function ImportForm({ nameservers, onDone }: { nameservers: Nameserver[]; onDone: (zone: string, message: string) => void }) {
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
      onDone(name, `Imported ${name} from ${ns?.name}: ${r.zone.records.length} records, serial ${r.serial}.${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}`);
    });
  }
  if (nameservers.length === 0) return null;
  return (
    <form className="panel form dns-form" onSubmit={(e) => void submit(e)} aria-label="Import a zone">
      <h3>Import from a nameserver</h3>
      <div className="dns-form-fields">
        <Field label="Nameserver" error={f.serverId}>
          <select value={ns?.serverId} onChange={(e) => setServerId(e.target.value)} aria-label="Nameserver">
            {nameservers.map((n) => <option key={n.serverId} value={n.serverId}>{n.name}</option>)}
          </select>
        </Field>
        <Field label="Zone" error={f.zone}>
          <input value={zone} onChange={(e) => setZone(e.target.value)} spellCheck={false} autoComplete="off" aria-label="Zone to import" />
        </Field>
        <Field label="Zone file (optional)" error={f.path} hint={`default ${ns?.settings.zoneDir ?? ''}/db.<zone>`}>
          <input value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} aria-label="Zone file" />
        </Field>
      </div>
      <ActionError error={action.error} fieldsShown={['serverId', 'zone', 'path']} />
      <div className="actions"><button type="submit" disabled={action.busy}>Import</button></div>
    </form>
  );
}

export function NsSettingsForm({ ns, onSaved }: { ns: Nameserver; onSaved: () => void }) {
  const [s, setS] = useState(ns.settings);
  // The port as typed (a cleared or half-typed field stays as it is; the contract judges it on save).
  const [port, setPort] = useState(String(ns.settings.queryPort));
  const action = useAction();
  const f = action.fields;
  const text = (key: 'zoneDir' | 'zonesConf' | 'namedConf', label: string, hint: string) => (
    <Field label={label} error={f[`settings.${key}`]} hint={hint}>
      <input value={s[key]} onChange={(e) => setS({ ...s, [key]: e.target.value })} spellCheck={false} aria-label={`${label} of ${ns.name}`} />
    </Field>
  );
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await action.run(async () => void (await client.call('dns.setSettings', { serverId: ns.serverId, settings: { ...s, queryPort: ttlOf(port) } })))) onSaved();
  }
  const nullable = (v: string) => (v.trim() === '' ? null : v.trim());
  return (
    <form className="dns-ns-settings" onSubmit={(e) => void submit(e)} aria-label={`DNS settings of ${ns.name}`}>
      <h4>{ns.name} <span className="muted">asked at {ns.queryAt}</span></h4>
      <div className="dns-form-fields">
        {text('zoneDir', 'Zone directory', 'zone files go here as db.<zone>')}
        {text('zonesConf', 'Zones config', 'Hostdeck keeps zone stanzas here; named.conf must include it')}
        {text('namedConf', 'named.conf', 'checked with named-checkconf')}
        <Field label="rndc config" error={f['settings.rndcConf']} hint="rndc -c; empty = rndc's default">
          <input value={s.rndcConf ?? ''} onChange={(e) => setS({ ...s, rndcConf: nullable(e.target.value) as NsSettings['rndcConf'] })} spellCheck={false} aria-label={`rndc config of ${ns.name}`} />
        </Field>
        <Field label="Query address" error={f['settings.queryHost']} hint="empty = the server's SSH host">
          <input value={s.queryHost ?? ''} onChange={(e) => setS({ ...s, queryHost: nullable(e.target.value) })} spellCheck={false} aria-label={`Query address of ${ns.name}`} />
        </Field>
        <Field label="DNS port" error={f['settings.queryPort']}>
          <input value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" aria-label={`DNS port of ${ns.name}`} />
        </Field>
      </div>
      <ActionError error={action.error} fieldsShown={Object.keys(f)} />
      <div className="actions"><button type="submit" disabled={action.busy}>Save settings of {ns.name}</button></div>
    </form>
  );
}

/** A/AAAA records for a site's domains and aliases in one step, each in its longest-matching zone. */
export function SiteRecordsForm({ servers, onDone }: { servers: Server[]; onDone: (zone: string | null, message: string) => void }) {
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
      const missed = r.uncovered.length ? ` No zone covers ${r.uncovered.join(', ')}.` : '';
      onDone(zones[0] ?? null, `${r.added.length} records added for ${site} in ${zones.join(', ') || 'no zone'}; push to publish them.${missed}`);
    });
  }
  if (web.length === 0) return null;
  return (
    <form className="panel form dns-form" onSubmit={(e) => void submit(e)} aria-label="Records for a site">
      <h3>Records for a site's domains</h3>
      <div className="dns-form-fields">
        <Field label="Web server" error={f.serverId}>
          <select value={serverId} onChange={(e) => { setServerId(e.target.value); setSite(''); }} aria-label="Web server">
            {web.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </Field>
        <Field label="Site" error={f.site}>
          <select value={site} onChange={(e) => setSite(e.target.value)} aria-label="Site">
            <option value="">Choose a site</option>
            {(sites.data?.sites ?? []).map((s) => <option key={s.name} value={s.name}>{s.name} ({s.domains.map((d) => d.domain).join(', ') || 'no domains'})</option>)}
          </select>
        </Field>
        <Field label="Addresses" error={f.addresses ?? f['addresses.0']} hint={`IPv4 / IPv6, comma-separated; default ${server?.host ?? 'the server host'}`}>
          <input value={addresses} onChange={(e) => setAddresses(e.target.value)} spellCheck={false} aria-label="Addresses" />
        </Field>
      </div>
      <ActionError error={action.error} fieldsShown={['serverId', 'site', 'addresses', 'addresses.0']} />
      <div className="actions"><button type="submit" disabled={action.busy || site === ''}>Add A/AAAA records</button></div>
    </form>
  );
}
