// ACME's pure parts: what the contract takes (directory URL https only, contact, a private CA's
// root, the resolver, certificate names with wildcards), the stateless HTTP-01 snippet and the
// include every server block carries, the zone that holds a name, and the account key's
// thumbprint as RFC 7638 computes it (the half of every HTTP-01 answer the snippet holds).
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AcmeSettings, CertName, DEFAULT_ACME_SETTINGS } from '../../shared/acme';
import { IssueInput } from '../../shared/api/acme';
import { thumbprintOf } from '../../src-main/core/acme/account';
import { zoneOf } from '../../src-main/core/acme/dns01';
import { acmeInclude, acmeSnippet, acmeSnippetPath, http01Lines } from '../../src-main/core/acme/http01';

const ok = (v: unknown) => AcmeSettings.safeParse(v).success;

describe('ACME settings', () => {
  it('takes https directory URLs only, an email or none, PEM certificates or none, an IPv4 resolver with a port', () => {
    expect(ok(DEFAULT_ACME_SETTINGS)).toBe(true);
    expect(ok({ ...DEFAULT_ACME_SETTINGS, directoryUrl: 'https://127.0.0.1:14000/dir', resolver: '127.0.0.1:5301', email: 'a.b+c@example.com' })).toBe(true);
    for (const directoryUrl of ['http://acme.test/dir', 'https://user:pw@acme.test/dir', 'https://acme.test/dir?x=1', 'https://acme.test/$(id)', 'https://acme.test/a b', "https://acme.test/'", 'ftp://acme.test', 'https://acme.test/\n']) {
      expect(ok({ ...DEFAULT_ACME_SETTINGS, directoryUrl }), directoryUrl).toBe(false);
    }
    for (const email of ['no-at', 'a@b', 'a@b.c\n', 'a b@c.test', '"a"@c.test;id']) expect(ok({ ...DEFAULT_ACME_SETTINGS, email }), email).toBe(false);
    for (const resolver of ['8.8.8.8:99999', 'dns.test', '1.2.3.4:53:1', '1.2.3.4;id', '::1']) expect(ok({ ...DEFAULT_ACME_SETTINGS, resolver }), resolver).toBe(false);
    expect(ok({ ...DEFAULT_ACME_SETTINGS, caRootPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' })).toBe(true);
    expect(ok({ ...DEFAULT_ACME_SETTINGS, caRootPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' })).toBe(false);
    expect(ok({ ...DEFAULT_ACME_SETTINGS, caRootPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n$(id)' })).toBe(false);
    expect(ok({ ...DEFAULT_ACME_SETTINGS, extra: 1 })).toBe(false);
  });
});

describe('certificate names', () => {
  it('takes domains and one leading wildcard label, lower-cased', () => {
    expect(CertName.parse('WWW.Shop.test')).toBe('www.shop.test');
    expect(CertName.parse('*.shop.test')).toBe('*.shop.test');
    for (const bad of ['*.*.shop.test', 'a.*.shop.test', '*shop.test', 'shop.test;id', 'shop.test\n', '-a.test', 'a..test', 'ѕhop.test', '']) expect(CertName.safeParse(bad).success, bad).toBe(false);
  });

  it('refuses repeated names and unknown keys in an issue', () => {
    const base = { serverId: '3b241101-e2bb-4255-8caf-4136c566a962', site: 'shop', domain: 'shop.test', challenge: 'http-01', redirect: true, hsts: false };
    expect(IssueInput.safeParse(base).success).toBe(true);
    expect(IssueInput.safeParse({ ...base, names: ['shop.test', 'SHOP.test'] }).success).toBe(false);
    expect(IssueInput.safeParse({ ...base, challenge: 'tls-alpn-01' }).success).toBe(false);
    expect(IssueInput.safeParse({ ...base, keyPem: 'x' }).success).toBe(false);
  });
});

describe('the stateless HTTP-01 answer', () => {
  const thumbprint = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

  it('answers any base64url token with token.thumbprint, beside nginx main config, included by a glob', () => {
    const snippet = acmeSnippet(thumbprint);
    expect(snippet).toContain('location ^~ /.well-known/acme-challenge/ {');
    expect(snippet).toContain('location ~ "^/\\.well-known/acme-challenge/([A-Za-z0-9_-]+)$" {');
    expect(snippet).toContain(`return 200 "$1.${thumbprint}";`);
    expect(acmeSnippetPath('/etc/nginx/nginx.conf')).toBe('/etc/nginx/hostdeck-acme.conf');
    expect(acmeInclude('/etc/nginx/nginx.conf')).toBe('    include /etc/nginx/hostdeck-acme*.conf;');
  });

  it('refuses anything but a thumbprint in the snippet', () => {
    for (const bad of ['short', `${thumbprint}"; return 200 "x`, `${thumbprint.slice(0, 42)}$`]) expect(() => acmeSnippet(bad)).toThrow();
    expect(() => http01Lines({ thumbprint, nginxConf: "/etc/nginx/n'x.conf" })).toThrow();
  });

  it('uses the RFC 7638 thumbprint of the account key', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = key.publicKey.export({ format: 'jwk' });
    const expected = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
    expect(thumbprintOf(key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toBe(expected);
  });
});

describe('the zone of a name', () => {
  it('is the longest Hostdeck zone the name ends in', () => {
    const zones = ['shop.test', 'eu.shop.test', 'op.test'];
    expect(zoneOf(zones, 'www.eu.shop.test')).toBe('eu.shop.test');
    expect(zoneOf(zones, 'shop.test')).toBe('shop.test');
    expect(zoneOf(zones, 'myshop.test')).toBe(null);
  });
});
