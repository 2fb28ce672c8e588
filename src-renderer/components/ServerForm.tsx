// Add or edit a server. Validation happens in the core against the contract; the form shows
// each field's message under the field, and nothing is saved while any field is wrong.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type AuthMethod, type Role, type Server, type ServerInput } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { useServers } from '../client/hooks';
import { ErrorNote } from './ErrorNote';
import { ConflictNote, conflictOf } from '../team/ConflictNote';
import { msg } from '../i18n';

const METHODS: { value: AuthMethod; label: string }[] = [
  { value: 'key', label: msg('Private key') },
  { value: 'key-passphrase', label: msg('Private key + passphrase') },
  { value: 'agent', label: 'ssh-agent' },
  { value: 'password', label: msg('Password') },
  { value: 'keyboard-interactive', label: msg('Keyboard-interactive (2FA / OTP prompts)') },
];

const NAME_EXAMPLE = 'web-01';
const TAGS_EXAMPLE = 'prod, eu';

type Props = { server: Server | null; onSaved: (server: Server) => void; onCancel: () => void };

export function ServerForm({ server, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
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
      setError(e instanceof AppError ? e : new AppError('internal', t('Saving failed.')));
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
    <form className="panel form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onCancel()} aria-label={server ? t('Edit server') : t('Add server')}>
      <h2>{server ? t('Edit {{name}}', { name: server.name }) : t('Add a server')}</h2>
      {conflict && sent && (
        <ConflictNote
          conflict={conflict}
          yours={sent as unknown as Record<string, unknown>}
          labels={{ name: t('Name'), host: t('Host'), port: t('Port'), user: t('User'), auth: t('Authentication'), roles: t('Roles'), tags: t('Tags'), jumpHostId: t('Reached through') }}
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
        {field('name', t('Name'), <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus placeholder={NAME_EXAMPLE} />)}
        {field('host', t('Host'), <input name="host" value={host} onChange={(e) => setHost(e.target.value)} placeholder={t('{{ip}} or {{name}}', { ip: '203.0.113.10', name: 'web01.example.com' })} />)}
        {field('port', t('Port'), <input name="port" value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" />)}
        {field('user', t('User'), <input name="user" value={user} onChange={(e) => setUser(e.target.value)} />)}
        {field(
          'auth.method',
          t('Authentication'),
          <select name="method" value={method} onChange={(e) => setMethod(e.target.value as AuthMethod)}>
            {METHODS.map((m) => (
              <option key={m.value} value={m.value}>{t(m.label)}</option>
            ))}
          </select>,
        )}
        {usesKey && field('auth.keyPath', t('Key file'), <input name="keyPath" value={keyPath} onChange={(e) => setKeyPath(e.target.value)} />, t('Absolute path or ~/…'))}
        {usesSecret &&
          field(
            'secret',
            method === 'password' ? t('Password') : t('Passphrase'),
            <input
              name="secret"
              type="password"
              autoComplete="off"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              placeholder={server?.hasSecret ? t('Stored in the keychain — leave empty to keep') : t('Leave empty to be asked at login')}
            />,
            t('Kept only in the OS keychain; or leave empty and Hostdeck asks when it connects'),
          )}
        <fieldset className={`field roles ${fieldError('roles') ? 'has-error' : ''}`}>
          <legend className="label">{t('Roles')}</legend>
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
          t('Jump host'),
          <select name="jumpHostId" value={jumpHostId} onChange={(e) => setJumpHostId(e.target.value)}>
            <option value="">{t('None (connect directly)')}</option>
            {others.map((o) => (
              <option key={o.id} value={o.id}>{o.name} ({o.host})</option>
            ))}
          </select>,
          t('Reach this server through another one (ProxyJump)'),
        )}
        {field('tags', t('Tags'), <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} placeholder={TAGS_EXAMPLE} />, t('Comma-separated; the fleet is grouped by tag'))}
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{busy ? t('Saving…') : server ? t('Save changes') : t('Add server')}</button>
        <button type="button" onClick={onCancel}>{t('Cancel')}</button>
      </div>
    </form>
  );
}
