// Import hosts from ~/.ssh/config: preview what would be added, pick, import.
import { useEffect, useState } from 'react';
import type { Output } from '../../shared/api';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from './ErrorNote';

type Preview = Output<'sshConfig.preview'>;
type Imported = Output<'sshConfig.import'>;

export function ImportDialog({ onClose }: { onClose: () => void }) {
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
    <section className="panel" aria-label="Import from SSH config" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <h2>Import from ~/.ssh/config</h2>
      {error && <ErrorNote error={error} />}
      {!preview && !error && <p className="muted">Reading…</p>}
      {preview && !done && (
        <>
          <p className="muted mono">{preview.path}</p>
          {preview.candidates.length === 0 ? (
            <p>No concrete Host entries found (wildcard blocks are not servers).</p>
          ) : (
            <table className="table">
              <thead>
                <tr><th /><th>Alias</th><th>Address</th><th>User</th><th>Key</th><th>Note</th></tr>
              </thead>
              <tbody>
                {preview.candidates.map((c) => (
                  <tr key={c.alias} className={c.problem || c.exists ? 'dim' : ''}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`import ${c.alias}`}
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
                      {c.proxyJump && <span className="muted"> via {c.proxyJump}</span>}
                    </td>
                    <td>{c.user}</td>
                    <td className="mono">{c.keyPath ?? 'ssh-agent'}</td>
                    <td className="muted">{c.exists ? 'already in the inventory' : c.problem ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="actions">
            <button className="primary" disabled={picked.size === 0} onClick={importPicked}>Import {picked.size} server{picked.size === 1 ? '' : 's'}</button>
            <button onClick={onClose}>Cancel</button>
          </div>
        </>
      )}
      {done && (
        <>
          <p role="status">Imported {done.added.length} server{done.added.length === 1 ? '' : 's'}.</p>
          {done.skipped.length > 0 && (
            <ul className="skipped">
              {done.skipped.map((s) => (
                <li key={s.alias}><strong>{s.alias}</strong>: {s.reason}</li>
              ))}
            </ul>
          )}
          <div className="actions"><button className="primary" onClick={onClose}>Done</button></div>
        </>
      )}
    </section>
  );
}
