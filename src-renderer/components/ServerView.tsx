// One server: its settings at a glance, "Test connection" with the host-key conversation,
// what the server answered, and its health.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionTestResult } from '../../shared/api';
import type { ConnectionState, HostKeyInfo, Server } from '../../shared/domain';
import { AppError } from '../../shared/errors';
import { PrepareDialog } from '../prepare/PrepareDialog';
import { client } from '../client/client';
import { useSshStates } from '../client/hooks';
import { ServerHealthSection } from '../health/ServerHealth';
import { ErrorNote } from './ErrorNote';
import { DriftBadge } from '../drift/DriftBadge';
import { i18n, msg } from '../i18n';

type Props = {
  server: Server;
  onEdit: () => void;
  onRemoved: () => void;
  onTerminal: () => void;
  onDatabases: () => void;
  onQueue?: () => void;
  onSites?: () => void;
  onLogs?: () => void;
  onDrift?: () => void;
};

const authLabel: Record<Server['auth']['method'], string> = {
  key: msg('private key'),
  'key-passphrase': msg('private key + passphrase'),
  agent: 'ssh-agent',
  password: msg('password'),
  'keyboard-interactive': msg('keyboard-interactive (prompts)'),
};

export function ServerView({ server, onEdit, onRemoved, onTerminal, onDatabases, onQueue, onSites, onLogs, onDrift }: Props) {
  const { t } = useTranslation();
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [preparing, setPreparing] = useState(false);
  const ssh = useSshStates()[server.id];

  async function test() {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await client.call('servers.test', { id: server.id });
      // The server just answered (perhaps for the first time, after its key was confirmed):
      // refresh its light too, so that the result and the light agree when shown. The health
      // result carries its own errors; the health section shows them.
      if (r.status === 'connected') await client.call('health.checkNow', { serverId: server.id }).catch(() => undefined);
      setResult(r);
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', t('The test failed.')));
    } finally {
      setBusy(false);
    }
  }

  async function trust(hostKey: HostKeyInfo) {
    try {
      await client.call('servers.trustHostKey', { id: server.id, fingerprint: hostKey.fingerprint });
      await test();
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', t('Pinning the key failed.')));
    }
  }

  async function forget() {
    try {
      await client.call('servers.forgetHostKey', { id: server.id });
      setError(null);
      await test();
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', t('Forgetting the key failed.')));
    }
  }

  async function remove() {
    try {
      await client.call('servers.remove', { id: server.id });
      onRemoved();
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', t('Removing failed.')));
    }
  }

  return (
    <section className="panel server-view" aria-label={t('Server {{name}}', { name: server.name })}>
      <header className="server-head">
        <div>
          <h2>{server.name}</h2>
          <div className="muted mono">
            {server.user}@{server.host}:{server.port} · {t(authLabel[server.auth.method])}
            {'keyPath' in server.auth ? ` (${server.auth.keyPath})` : ''}
          </div>
          {ssh && ssh.state !== 'idle' && <div className={`conn-badge ssh-${ssh.state}`} role="status" aria-label={t('SSH connection')}>SSH: {describeSsh(ssh)}</div>}
          <div className="chips">
            {server.roles.map((r) => (
              <span key={r} className="chip role">{r}</span>
            ))}
            {server.tags.map((tag) => (
              <span key={tag} className="chip">#{tag}</span>
            ))}
          </div>
        </div>
        <div className="actions">
          <button className="primary" onClick={test} disabled={busy} title={t('Test connection (Ctrl+T)')} data-shortcut="test">
            {busy ? t('Connecting…') : t('Test connection')}
          </button>
          <button onClick={onTerminal} title={t('Open a terminal on this server (Ctrl+Shift+T)')}>{t('Terminal')}</button>
          <button onClick={onDatabases} title={t("Browse this server's MySQL databases")}>{t('Databases')}</button>
          {onSites && <button onClick={onSites} title={t("This server's sites (hosting accounts)")}>{t('Sites')}</button>}
          {onQueue && <button onClick={onQueue} title={t("This server's task queue")}>{t('Queue')}</button>}
          {onLogs && <button onClick={onLogs} title={t("This server's logs, live (journal, syslog, nginx, php-fpm)")}>{t('Logs')}</button>}
          {onDrift && <button onClick={onDrift} title={t("Where this server no longer matches Hostdeck's records")}>{t('Drift')} <DriftBadge serverId={server.id} /></button>}
          <button onClick={() => setPreparing(true)} title={t('Install and set up what a Hostdeck hosting server needs (a read-only preflight first)')}>{t('Prepare server…')}</button>
          <button onClick={onEdit}>{t('Edit')}</button>
          <button className="danger" onClick={() => setConfirmRemove(true)}>{t('Remove…')}</button>
        </div>
      </header>

      {confirmRemove && (
        <div className="note note-warn" role="alertdialog" aria-label={t('Confirm removal')}>
          <p>{t('Remove {{name}} ({{host}}) from the inventory? Its stored password or passphrase is deleted from the keychain. Nothing on the server changes.', { name: server.name, host: server.host })}</p>
          <div className="actions">
            <button className="danger solid" onClick={remove} autoFocus>{t('Remove {{name}}', { name: server.name })}</button>
            <button onClick={() => setConfirmRemove(false)}>{t('Keep it')}</button>
          </div>
        </div>
      )}

      {error?.code === 'host-key-changed' ? <HostKeyChanged error={error} onForget={forget} /> : error && <ErrorNote error={error} title={t('Connection failed.')} />}

      {result?.status === 'host-key-unknown' && (
        <div className="note note-warn hostkey" role="alertdialog" aria-label={t('Unknown host key')}>
          <h3>{t('First connection to {{host}}', { host: server.host })}</h3>
          <p>{t("The server presented a host key Hostdeck has not seen. Compare its fingerprint with the one the server's administrator gives you")} (<code>ssh-keygen -lf /etc/ssh/ssh_host_{result.hostKey.keyType.replace('ssh-', '')}_key.pub</code>).</p>
          <dl>
            <dt>{t('Key type')}</dt>
            <dd className="mono">{result.hostKey.keyType}</dd>
            <dt>{t('Fingerprint')}</dt>
            <dd className="mono fingerprint">{result.hostKey.fingerprint}</dd>
          </dl>
          <div className="actions">
            <button className="primary" onClick={() => trust(result.hostKey)} autoFocus>{t('Trust this key and connect')}</button>
            <button onClick={() => setResult(null)}>{t('Cancel')}</button>
          </div>
        </div>
      )}

      {result?.status === 'connected' && (
        <div className="note note-ok" aria-label={t('Connection result')}>
          <h3>{t('Connected in {{ms}} ms', { ms: result.elapsedMs })}</h3>
          <dl>
            <dt>uname -a</dt>
            <dd className="mono" data-testid="uname">{result.uname}</dd>
            <dt>uptime</dt>
            <dd className="mono" data-testid="uptime">{result.uptime}</dd>
            {result.via.length > 0 && (
              <>
                <dt>{t('Route')}</dt>
                <dd>{t('through {{hops}}', { hops: result.via.join(' → ') })}</dd>
              </>
            )}
            <dt>{t('Host key')}</dt>
            <dd className="mono">
              {result.hostKey.keyType} {result.hostKey.fingerprint} <span className="muted">({result.trustedBy === 'pin' ? t('trusted by your pin') : t('trusted by {{file}}', { file: '~/.ssh/known_hosts' })})</span>
            </dd>
          </dl>
        </div>
      )}

      {!result && !error && !busy && !confirmRemove && <p className="muted">{t('Test the connection to verify the host key and see the server answer.')}</p>}
      {preparing && <PrepareDialog server={server} onClose={() => setPreparing(false)} onQueue={onQueue ? () => { setPreparing(false); onQueue(); } : undefined} />}
      <ServerHealthSection server={server} />
    </section>
  );
}

export function describeSsh(ssh: ConnectionState): string {
  const { t } = i18n;
  switch (ssh.state) {
    case 'idle':
      return t('not connected');
    case 'connecting':
      return ssh.attempt > 1 ? t('connecting (attempt {{n}})…', { n: ssh.attempt }) : t('connecting…');
    case 'connected':
      return ssh.via.length ? t('connected via {{hops}}', { hops: ssh.via.join(' → ') }) : t('connected');
    case 'reconnecting':
      return `${ssh.reason} ${t('Reconnecting in {{s}} s (attempt {{n}}).', { s: Math.round(ssh.retryInMs / 1000), n: ssh.attempt })}`;
    case 'failed':
      return ssh.reason;
  }
}

function HostKeyChanged({ error, onForget }: { error: AppError; onForget: () => void }) {
  const data = error.data as { expected?: HostKeyInfo; actual?: HostKeyInfo; source?: 'pin' | 'known_hosts' } | undefined;
  const { t } = useTranslation();
  const [confirm, setConfirm] = useState(false);
  return (
    <div className="note note-danger" role="alert" aria-label={t('Host key changed')}>
      <h3>⚠ {t('Host key changed — connection refused')}</h3>
      <p>{error.message}</p>
      <dl>
        <dt>{t('Expected')}</dt>
        <dd className="mono fingerprint" data-testid="expected-fp">{data?.expected?.keyType} {data?.expected?.fingerprint}</dd>
        <dt>{t('Presented')}</dt>
        <dd className="mono fingerprint" data-testid="actual-fp">{data?.actual?.keyType} {data?.actual?.fingerprint}</dd>
      </dl>
      {data?.source === 'known_hosts' ? (
        <p className="muted">{t('The expected key comes from ~/.ssh/known_hosts. If the server was reinstalled on purpose, remove the old line there (ssh-keygen -R) and test again.')}</p>
      ) : confirm ? (
        <div className="actions">
          <span>{t('Forget the pinned key and confirm the new fingerprint on the next connection?')}</span>
          <button className="danger" onClick={onForget}>{t('Forget the old key')}</button>
          <button onClick={() => setConfirm(false)}>{t('Keep refusing')}</button>
        </div>
      ) : (
        <p className="muted">
          {t('If the server was reinstalled on purpose, confirm the new fingerprint with its administrator, then')}{' '}
          <button className="link" onClick={() => setConfirm(true)}>{t('forget the pinned key…')}</button>
        </p>
      )}
    </div>
  );
}
