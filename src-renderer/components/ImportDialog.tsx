// Import hosts from ~/.ssh/config: preview what would be added, pick, import.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../shared/api';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from './ErrorNote';

type Preview = Output<'sshConfig.preview'>;
type Imported = Output<'sshConfig.import'>;

const AGENT = 'ssh-agent';

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState<Imported | null>(null);

  useEffect(() => {
    client
      .call('sshConfig.preview', {})
      .then((p) => {
        setPreview(p);
        setPicked(new Set(p.candidates.filter((c) => !c.problem && !c.exists).map((c) => c.alias)));
      })
      .catch((e: AppError) => setError(e));
  }, []);

  async function importPicked() {
    try {
      setDone(await client.call('sshConfig.import', { aliases: [...picked] }));
    } catch (e) {
      setError(e as AppError);
    }
  }

  return (
    <section className="panel" aria-label={t('Import from SSH config')} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <h2>{t('Import from ~/.ssh/config')}</h2>
      {error && <ErrorNote error={error} />}
      {!preview && !error && <p className="muted">{t('Reading…')}</p>}
      {preview && !done && (
        <>
          <p className="muted mono">{preview.path}</p>
          {preview.candidates.length === 0 ? (
            <p>{t('No concrete Host entries found (wildcard blocks are not servers).')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr><th /><th>{t('Alias')}</th><th>{t('Address')}</th><th>{t('User')}</th><th>{t('Key')}</th><th>{t('Note')}</th></tr>
              </thead>
              <tbody>
                {preview.candidates.map((c) => (
                  <tr key={c.alias} className={c.problem || c.exists ? 'dim' : ''}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={t('import {{alias}}', { alias: c.alias })}
                        disabled={!!c.problem || c.exists}
                        checked={picked.has(c.alias)}
                        onChange={(e) => {
                          const next = new Set(picked);
                          if (e.target.checked) next.add(c.alias);
                          else next.delete(c.alias);
                          setPicked(next);
                        }}
                      />
                    </td>
                    <td>{c.alias}</td>
                    <td className="mono">
                      {c.host}:{c.port}
                      {c.proxyJump && <span className="muted"> {t('via {{host}}', { host: c.proxyJump })}</span>}
                    </td>
                    <td>{c.user}</td>
                    <td className="mono">{c.keyPath ?? AGENT}</td>
                    <td className="muted">{c.exists ? t('already in the inventory') : c.problem ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="actions">
            <button className="primary" disabled={picked.size === 0} onClick={importPicked}>{t('Import {{count, number}} servers', { count: picked.size })}</button>
            <button onClick={onClose}>{t('Cancel')}</button>
          </div>
        </>
      )}
      {done && (
        <>
          <p role="status">{t('Imported {{count, number}} servers.', { count: done.added.length })}</p>
          {done.skipped.length > 0 && (
            <ul className="skipped">
              {done.skipped.map((s) => (
                <li key={s.alias}><strong>{s.alias}</strong>: {s.reason}</li>
              ))}
            </ul>
          )}
          <div className="actions"><button className="primary" onClick={onClose}>{t('Done')}</button></div>
        </>
      )}
    </section>
  );
}
