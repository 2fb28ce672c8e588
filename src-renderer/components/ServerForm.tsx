// Add or edit a server. Validation happens in the core against the contract; the form shows
// each field's message under the field, and nothing is saved while any field is wrong.
import { useState, type FormEvent } from 'react';
import { ROLES, type AuthMethod, type Role, type Server, type ServerInput } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { useServers } from '../client/hooks';
import { ErrorNote } from './ErrorNote';
import { ConflictNote, conflictOf } from '../team/ConflictNote';

const METHODS: { value: AuthMethod; label: string }[] = [
  { value: 'key', label: 'Private key' },
  { value: 'key-passphrase', label: 'Private key + passphrase' },
  { value: 'agent', label: 'ssh-agent' },
  { value: 'password', label: 'Password' },
  { value: 'keyboard-interactive', label: 'Keyboard-interactive (2FA / OTP prompts)' },
];

type Props = { server: Server | null; onSaved: (server: Server) => void; onCancel: () => void };

export function ServerForm({ server, onSaved, onCancel }: Props) {
  const [name, setName] = useState(server?.name ?? '');
  const [host, setHost] = useState(server?.host ?? '');
  const [port, setPort] = useState(String(server?.port ?? 22));
  const [user, setUser] = useState(server?.user ?? 'root');
  const [method, setMethod] = useState<AuthMethod>(server?.auth.method ?? 'key');
  const [keyPath, setKeyPath] = useState(server && 'keyPath' in server.auth ? server.auth.keyPath : '~/.ssh/id_ed25519');
  const [secret, setSecret] = useState('');
  const [roles, setRoles] = useState<Role[]>(server?.roles ?? ['web']);
  const [tags, setTags] = useState((server?.tags ?? []).join(', '));
  const [jumpHostId, setJumpHostId] = useState(server?.jumpHostId ?? '');
  const others = (useServers().data ?? []).filter((s) => s.id !== server?.id);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  // Team mode: the version this edit is based on (a save after someone else's is a conflict).
  const [baseVersion, setBaseVersion] = useState(server?.version);
  const [sent, setSent] = useState<ServerInput | null>(null);
  const conflict = conflictOf(error);

  const fields = error?.fields ?? {};
  const fieldError = (key: string) => fields[key] ?? Object.entries(fields).find(([k]) => k.startsWith(`${key}.`))?.[1];
  const usesKey = method === 'key' || method === 'key-passphrase';
  const usesSecret = method === 'password' || method === 'key-passphrase';

  function takeTheirs(theirs: Record<string, unknown>, version: number) {
    const s = theirs as unknown as Server;
    setName(s.name);
    setHost(s.host);
    setPort(String(s.port));
    setUser(s.user);
    setMethod(s.auth.method);
    if ('keyPath' in s.auth) setKeyPath(s.auth.keyPath);
    setRoles(s.roles);
    setTags(s.tags.join(', '));
    setJumpHostId(s.jumpHostId ?? '');
    setBaseVersion(version);
    setError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    await save(baseVersion);
  }

  async function save(version: number | undefined) {
    const auth = usesKey ? { method, keyPath } : { method };
    const input = {
      name,
      host: host.trim(),
      port: /^\d+$/.test(port.trim()) ? Number(port.trim()) : Number.NaN,
      user: user.trim(),
      auth,
      roles,
      tags: tags.split(/[,\s]+/).filter(Boolean),
      jumpHostId: jumpHostId || null,
      ...(usesSecret && secret ? { secret } : {}),
    } as ServerInput;
    setBusy(true);
    setError(null);
    try {
      setSent(input);
      const saved = server ? await client.call('servers.update', { id: server.id, server: input, ...(version ? { baseVersion: version } : {}) }) : await client.call('servers.add', input);
      onSaved(saved);
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', 'Saving failed.'));
    } finally {
      setBusy(false);
    }
  }

  const field = (key: string, label: string, control: React.ReactNode, hint?: string) => (
    <label className={`field ${fieldError(key) ? 'has-error' : ''}`} data-field={key}>
      <span className="label">{label}</span>
      {control}
      {fieldError(key) ? <span className="field-error" role="alert">{fieldError(key)}</span> : hint ? <span className="hint">{hint}</span> : null}
    </label>
  );

  return (
    <form className="panel form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()} aria-label={server ? 'Edit server' : 'Add server'}>
      <h2>{server ? `Edit ${server.name}` : 'Add a server'}</h2>
      {conflict && sent && (
        <ConflictNote
          conflict={conflict}
          yours={sent as unknown as Record<string, unknown>}
          labels={{ name: 'Name', host: 'Host', port: 'Port', user: 'User', auth: 'Authentication', roles: 'Roles', tags: 'Tags', jumpHostId: 'Reached through' }}
          busy={busy}
          onOverwrite={(version) => {
            setBaseVersion(version);
            void save(version);
          }}
          onTakeTheirs={takeTheirs}
        />
      )}
      {error && !error.fields && !conflict && <ErrorNote error={error} />}
      {error?.fields && <div className="note note-error" role="alert">{error.message}</div>}
      <div className="grid">
        {field('name', 'Name', <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus placeholder="web-01" />)}
        {field('host', 'Host', <input name="host" value={host} onChange={(e) => setHost(e.target.value)} placeholder="203.0.113.10 or web01.example.com" />)}
        {field('port', 'Port', <input name="port" value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" />)}
        {field('user', 'User', <input name="user" value={user} onChange={(e) => setUser(e.target.value)} />)}
        {field(
          'auth.method',
          'Authentication',
          <select name="method" value={method} onChange={(e) => setMethod(e.target.value as AuthMethod)}>
            {METHODS.map((m) => (
              <option key={m.value} value={m.value}>{m.label}</option>
            ))}
          </select>,
        )}
        {usesKey && field('auth.keyPath', 'Key file', <input name="keyPath" value={keyPath} onChange={(e) => setKeyPath(e.target.value)} />, 'Absolute path or ~/…')}
        {usesSecret &&
          field(
            'secret',
            method === 'password' ? 'Password' : 'Passphrase',
            <input
              name="secret"
              type="password"
              autoComplete="off"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              placeholder={server?.hasSecret ? 'Stored in the keychain — leave empty to keep' : 'Leave empty to be asked at login'}
            />,
            'Kept only in the OS keychain; or leave empty and Hostdeck asks when it connects',
          )}
        <fieldset className={`field roles ${fieldError('roles') ? 'has-error' : ''}`}>
          <legend className="label">Roles</legend>
          {ROLES.map((role) => (
            <label key={role} className="check">
              <input
                type="checkbox"
                name={`role-${role}`}
                checked={roles.includes(role)}
                onChange={(e) => setRoles(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role))}
              />
              {role}
            </label>
          ))}
          {fieldError('roles') && <span className="field-error">{fieldError('roles')}</span>}
        </fieldset>
        {field(
          'jumpHostId',
          'Jump host',
          <select name="jumpHostId" value={jumpHostId} onChange={(e) => setJumpHostId(e.target.value)}>
            <option value="">None (connect directly)</option>
            {others.map((o) => (
              <option key={o.id} value={o.id}>{o.name} ({o.host})</option>
            ))}
          </select>,
          'Reach this server through another one (ProxyJump)',
        )}
        {field('tags', 'Tags', <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="prod, eu" />, 'Comma-separated; the fleet is grouped by tag')}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Saving…' : server ? 'Save changes' : 'Add server'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
