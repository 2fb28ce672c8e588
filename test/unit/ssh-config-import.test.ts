import { describe, expect, it } from 'vitest';
import { candidatesFrom } from '../../src-main/core/inventory/ssh-config-import';

// OpenSSH takes the first value it meets, so the catch-all block comes last.
const config = `
Host web1
  HostName 203.0.113.10
  Port 2222
  IdentityFile ~/.ssh/id_web

Host db1 db1-alias
  HostName db1.example.com
  User root

Host bad
  HostName "evil;rm -rf /"

Host *
  ServerAliveInterval 30
  User deploy
`;

describe('ssh config import', () => {
  it('computes HostName, Port, User and IdentityFile per concrete alias, skipping wildcards', () => {
    const found = candidatesFrom(config, '/home/u', new Set(['db1-alias']));
    const byAlias = Object.fromEntries(found.map((c) => [c.candidate.alias, c]));
    expect(Object.keys(byAlias)).toEqual(['web1', 'db1', 'db1-alias', 'bad']);
    expect(byAlias.web1!.candidate).toMatchObject({ host: '203.0.113.10', port: 2222, user: 'deploy', keyPath: '/home/u/.ssh/id_web', problem: null });
    expect(byAlias.web1!.input?.auth).toEqual({ method: 'key', keyPath: '/home/u/.ssh/id_web' });
    expect(byAlias.db1!.input?.auth).toEqual({ method: 'agent' });
    expect(byAlias.db1!.candidate.user).toBe('root');
    expect(byAlias['db1-alias']!.candidate.exists).toBe(true);
    expect(byAlias.bad!.input).toBeNull();
    expect(byAlias.bad!.candidate.problem).toContain('host');
  });
});

describe('ssh config ProxyJump', () => {
  it('keeps the last hop as the jump host and refuses user@host forms', () => {
    const found = candidatesFrom('Host bastion\n  HostName 10.0.0.1\n\nHost inner\n  HostName 10.0.0.2\n  ProxyJump gw,bastion\n\nHost odd\n  HostName 10.0.0.3\n  ProxyJump root@10.0.0.1:22\n', '/h', new Set());
    const byAlias = Object.fromEntries(found.map((c) => [c.candidate.alias, c]));
    expect(byAlias.bastion!.candidate.proxyJump).toBeNull();
    expect(byAlias.inner!.candidate.proxyJump).toBe('bastion');
    expect(byAlias.odd!.input).toBeNull();
    expect(byAlias.odd!.candidate.problem).toContain('ProxyJump root@10.0.0.1:22');
  });
});
