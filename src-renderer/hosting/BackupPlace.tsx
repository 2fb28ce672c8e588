// Where a server's backup repository is: on the server itself, or on another server of the
// inventory (restic over SFTP; saving queues the SSH setup on both servers, shown in a preview).
import { useTranslation } from 'react-i18next';
import type { RepoTarget } from '../../shared/api/backups';
import type { Server } from '../../shared/domain';
import { useServers } from '../client/hooks';
import { i18n } from '../i18n';

/** The default folder on a backup server: one per source server, so two sources never share a repository. */
export function folderFor(source: Server): string {
  return `/var/backups/hostdeck/${source.name.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[.-]+/, '') || 'server'}`;
}

export function BackupPlace({ server, target, onChange, error }: { server: Server; target: RepoTarget; onChange: (t: RepoTarget) => void; error?: string | undefined }) {
  const { t } = useTranslation();
  const others = (useServers().data ?? []).filter((s) => s.id !== server.id);
  const chosen = target.kind === 'server' ? target.serverId : '';
  return (
    <fieldset className={`field backup-place ${error ? 'has-error' : ''}`} data-field="target">
      <legend className="label">{t('Repository place')}</legend>
      <label className="check"><input type="radio" name="place" checked={target.kind === 'local'} onChange={() => onChange({ kind: 'local' })} /> {t('This server ({{server}})', { server: server.name })}</label>
      <span className="inline-fields">
        <label className="check">
          <input type="radio" name="place" checked={target.kind === 'server'} disabled={others.length === 0} onChange={() => others[0] && onChange({ kind: 'server', serverId: others[0].id })} /> {t('Another server of the inventory')}
        </label>
        {target.kind === 'server' && (
          <select value={chosen} onChange={(e) => onChange({ kind: 'server', serverId: e.target.value })} aria-label={t('Backup server')}>
            {others.map((s) => <option key={s.id} value={s.id}>{s.name} ({s.host})</option>)}
          </select>
        )}
      </span>
      {error ? <span className="field-error" role="alert">{error}</span> : target.kind === 'server' ? <span className="hint">{t('restic on {{server}} reaches it over SFTP with a key of its own, restricted there to SFTP; the other server\'s host key is pinned on {{server}}. Saving shows the setup tasks first.', { server: server.name })}</span> : null}
    </fieldset>
  );
}

/** The name of the server holding the repository. */
export function placeName(server: Server, target: RepoTarget, servers: Server[]): string {
  return target.kind === 'local' ? server.name : (servers.find((s) => s.id === target.serverId)?.name ?? i18n.t('another server'));
}
