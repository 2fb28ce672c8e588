// HTTPS changes as plans (see plans.ts): an uploaded certificate installed, a domain's options
// changed, HTTPS removed. Pure: records and settings in, plan out.
import type { HostingSettings, SiteRecord } from '../../../shared/api/hosting';
import { AppError, fill, msg, type Said } from '../../../shared/errors';
import type { TlsOptions, TlsSource } from '../../../shared/tls';
import { find, replace, type Plan } from './plans';
import { bindParamsFor, tlsInstallParams } from './tls-install';
import './tls-tasks';

function refuse(field: string, key: string, params: Said['params']): never {
  throw AppError.worded('invalid-input', key, params, { fields: { [field]: fill(key, params) } });
}

/** The site's binding of `domain` (refused when the records have none). */
export function bindingOf(site: SiteRecord, domain: string): { domain: string; aliases: string[] } {
  const binding = site.domains.find((b) => b.domain === domain);
  if (!binding) refuse('domain', msg('{{domain}} is not bound to the site {{site}}; bind it first'), { domain, site: site.name });
  return binding;
}

function withTls(sites: SiteRecord[], site: string, domain: string, entry: (TlsOptions & { source: TlsSource }) | null): SiteRecord[] {
  return replace(sites, site, (s) => ({ ...s, tls: [...s.tls.filter((t) => t.domain !== domain), ...(entry ? [{ domain, ...entry }] : [])].sort((a, b) => a.domain.localeCompare(b.domain)) }));
}

/** An uploaded (already checked) certificate for a bound domain; the key is held under `keyRef` for its task. */
export function uploadTls(sites: SiteRecord[], settings: HostingSettings, input: { site: string; domain: string; chainPem: string; keyPem: string; keyRef: string } & TlsOptions): Plan {
  const site = find(sites, input.site);
  bindingOf(site, input.domain);
  const options = { redirect: input.redirect, hsts: input.hsts };
  return {
    steps: [{ kind: 'tls.install', params: { ...tlsInstallParams(site, settings, input.domain, input.chainPem, options), keyRef: input.keyRef } }],
    sites: withTls(sites, input.site, input.domain, { source: 'uploaded', ...options }),
    secrets: [{ ref: input.keyRef, password: input.keyPem }],
  };
}

function tlsOf(site: SiteRecord, domain: string) {
  const tls = site.tls.find((t) => t.domain === domain);
  if (!tls) refuse('domain', msg("{{domain}} has no certificate in Hostdeck's records"), { domain });
  return tls;
}

/** Redirect and HSTS changed: the server block written again. */
export function setTlsOptions(sites: SiteRecord[], settings: HostingSettings, input: { site: string; domain: string } & TlsOptions): Plan {
  const site = find(sites, input.site);
  const binding = bindingOf(site, input.domain);
  const tls = tlsOf(site, input.domain);
  const next = withTls(sites, input.site, input.domain, { source: tls.source, redirect: input.redirect, hsts: input.hsts });
  return { steps: [{ kind: 'domain.bind', params: { ...bindParamsFor(find(next, input.site), settings, binding) } }], sites: next, secrets: [] };
}

/** Plain HTTP only again: the server block without HTTPS, then the certificate and key removed. */
export function removeTls(sites: SiteRecord[], settings: HostingSettings, input: { site: string; domain: string }): Plan {
  const site = find(sites, input.site);
  const binding = bindingOf(site, input.domain);
  tlsOf(site, input.domain);
  const next = withTls(sites, input.site, input.domain, null);
  const { tls: _, ...params } = bindParamsFor(find(next, input.site), settings, binding);
  return { steps: [{ kind: 'tls.remove', params }], sites: next, secrets: [] };
}
