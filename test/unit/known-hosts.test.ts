import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lookup, parseKnownHosts, patternsMatch } from '../../src-main/core/ssh/known-hosts';
import { fingerprint, keyType, knownHostsName } from '../../src-main/core/ssh/host-key';

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('names non-default ports as [host]:port', () => {
    expect(knownHostsName('h', 22)).toBe('h');
    expect(knownHostsName('h', 2222)).toBe('[h]:2222');
  });

  it('matches plain, bracketed, wildcard, negated and hashed patterns', () => {
    expect(patternsMatch('web1,10.0.0.1', 'web1', 22)).toBe(true);
    expect(patternsMatch('[10.0.0.1]:2222', '10.0.0.1', 2222)).toBe(true);
    expect(patternsMatch('10.0.0.1', '10.0.0.1', 2222)).toBe(false);
    expect(patternsMatch('*.example.com', 'a.example.com', 22)).toBe(true);
    expect(patternsMatch('*.example.com,!b.example.com', 'b.example.com', 22)).toBe(false);
    expect(patternsMatch(hashed('[127.0.0.2]:2222'), '127.0.0.2', 2222)).toBe(true);
    expect(patternsMatch(hashed('[127.0.0.2]:2222'), '127.0.0.3', 2222)).toBe(false);
    // Names compare without case, as OpenSSH does; a glob's dot is a dot; each pattern as often as asked.
    for (let i = 0; i < 2; i++) {
      expect(patternsMatch('Web1.Example.COM', 'web1.example.com', 22)).toBe(true);
      expect(patternsMatch('web?.example.com', 'WEB2.example.com', 22)).toBe(true);
      expect(patternsMatch('web?.example.com', 'web12.example.com', 22)).toBe(false);
      expect(patternsMatch('*.example.com', 'a.exampleXcom', 22)).toBe(false);
      expect(patternsMatch('10.0.0.1', '10.0.0.10', 22)).toBe(false);
    }
  });

  it('collects keys for a host and every @revoked key; skips comments and cert authorities', () => {
    const entries = parseKnownHosts(
      ['# comment', '', 'web1 ssh-ed25519 AAAA1', '@cert-authority *.x ssh-ed25519 AAAA2', '@revoked * ssh-rsa AAAA3', 'other ssh-ed25519 AAAA4'].join('\n'),
    );
    expect(lookup(entries, 'web1', 22)).toEqual({ keys: [{ keyType: 'ssh-ed25519', key: 'AAAA1' }], revoked: ['AAAA3'] });
  });
});

describe('host key fingerprint', () => {
  it('is SHA256 base64 without padding, and the type is read from the blob', () => {
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
    expect(keyType(blob)).toBe('ssh-ed25519');
    expect(fingerprint(blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
