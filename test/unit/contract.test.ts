// The contract rejects hostile input field by field, before any work.
import { describe, expect, it } from 'vitest';
import { ServerInput } from '../../shared/domain';
import { fieldErrors } from '../../shared/errors';

const good = { name: 'web-01', host: 'web01.example.com', port: 22, user: 'root', auth: { method: 'agent' }, roles: ['web'], tags: ['prod'] };

function errorsFor(patch: Record<string, unknown>): Record<string, string> {
  const result = ServerInput.safeParse({ ...good, ...patch });
  return result.success ? {} : fieldErrors(result.error.issues);
}

describe('ServerInput', () => {
  it('accepts a normal server, IPv4, IPv6 and unicode names', () => {
    expect(ServerInput.safeParse(good).success).toBe(true);
    expect(errorsFor({ host: '203.0.113.7' })).toEqual({});
    expect(errorsFor({ host: '2001:db8::1' })).toEqual({});
    expect(errorsFor({ name: 'Сервер 1' })).toEqual({});
  });

  it.each([
    ['empty host', { host: '' }, 'host', 'Host is required'],
    ['host with a shell metacharacter', { host: 'a;rm -rf /' }, 'host', 'Host must be a host name or an IP address'],
    ['host with $()', { host: '$(reboot)' }, 'host', 'Host must be a host name or an IP address'],
    ['port 0', { port: 0 }, 'port', 'Port must be between 1 and 65535'],
    ['port 70000', { port: 70000 }, 'port', 'Port must be between 1 and 65535'],
    ['port 22.5', { port: 22.5 }, 'port', 'Port must be a whole number'],
    ['port as text', { port: '22' }, 'port', 'Port must be a number'],
    ['name with a newline', { name: 'web\n01' }, 'name', 'Name must not contain line breaks or control characters'],
    ['name of 10,000 characters', { name: 'x'.repeat(10_000) }, 'name', 'Name is too long (at most 64 characters)'],
    ['name with quotes', { name: `web"'01` }, 'name', 'Name may use letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit'],
    ['blank name', { name: '   ' }, 'name', 'Name is required'],
    ['user with a space', { user: 'ro ot' }, 'user', 'User must be a valid login name (letters, digits, _ . -)'],
    ['relative key path', { auth: { method: 'key', keyPath: 'id_rsa' } }, 'auth.keyPath', 'Key file must be an absolute path or start with ~/'],
    ['key path with a newline', { auth: { method: 'key', keyPath: '/tmp/a\nb' } }, 'auth.keyPath', 'Key file must not contain line breaks or control characters'],
    ['unknown role', { roles: ['mail'] }, 'roles.0', ''],
    ['tag with a slash', { tags: ['a/b'] }, 'tags.0', 'Tags may use letters, digits, _ and - (at most 32 characters each)'],
    ['secret with a newline', { secret: 'a\nb' }, 'secret', 'Secret must not contain line breaks'],
  ])('rejects %s', (_label, patch, field, message) => {
    const errors = errorsFor(patch);
    expect(Object.keys(errors)).toContain(field);
    if (message) expect(errors[field]).toBe(message);
  });

  it('rejects unknown fields (no smuggling)', () => {
    expect(ServerInput.safeParse({ ...good, hasSecret: true }).success).toBe(false);
  });
});
