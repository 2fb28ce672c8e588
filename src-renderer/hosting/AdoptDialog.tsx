// "Adopt from server…": what already lives on the server and Hostdeck does not hold yet
// (hosting.adoptScan reads only), grouped by site with its FTP logins, databases, domains and PHP pool,
// and notes on what cannot be matched. The sites ticked are taken into Hostdeck's records as
// they are (hosting.adoptImport; no task runs).
import { useEffect, useRef, useState } from 'react';
import type { AdoptionScan } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import type { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { asError, FormError, useAction } from './common';
import { trapKeys } from './PreviewDialog';

export function AdoptDialog({ server, onClose, onImported }: { server: Server; onClose: () => void; onImported: (message: string) => Promise<void> }) {
  const [scan, setScan] = useState<AdoptionScan | null>(null);
  const [scanError, setScanError] = useState<AppError | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const importing = useAction();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    client.call('hosting.adoptScan', { serverId: server.id }).then(
      (r) => live && setScan(r),
      (e: unknown) => live && setScanError(asError(e)),
    );
    return () => {
      live = false;
    };
  }, [server.id]);
  // Focus goes back to "Adopt from server…" when the dialog closes.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => before?.focus();
  }, []);

  const toggle = (name: string) => {
    const next = new Set(picked);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    setPicked(next);
  };

  const importPicked = () =>
    importing.run(async () => {
      const names = [...picked].sort();
      await client.call('hosting.adoptImport', { serverId: server.id, sites: names });
      await onImported(`Adopted ${names.length === 1 ? `the site ${names[0]}` : `${names.length} sites`} from ${server.name} into Hostdeck's records (nothing ran on the server).`);
      onClose();
    });

  const sites = scan?.sites ?? [];
  return (
    <div className="modal-backdrop">
      <div ref={ref} className="panel modal adopt-dialog" role="dialog" aria-modal="true" aria-label={`Adopt from ${server.name}`} onKeyDown={(e) => trapKeys(e, ref.current, onClose)}>
        <h2>Adopt from {server.name}</h2>
        <p className="muted">Sites, FTP logins, databases, server blocks and PHP pools found on the server that Hostdeck does not hold yet. Ticked sites are taken into Hostdeck's records as they are; nothing runs on the server.</p>
        {!scan && !scanError && <p role="status">Scanning {server.name}…</p>}
        <FormError error={scanError ?? importing.error} />
        {scan && sites.length === 0 && <p className="note">Nothing to adopt: every site-shaped account on {server.name} is already in Hostdeck.</p>}
        {sites.length > 0 && (
          <ul className="adopt-sites">
            {sites.map((s) => {
              const ftp = scan!.ftpUsers.filter((f) => f.site === s.name);
              const dbs = scan!.databases.filter((d) => d.site === s.name);
              const domains = scan!.domains.filter((d) => d.site === s.name);
              const php = scan!.php.find((x) => x.site === s.name)?.php;
              return (
                <li key={s.name} data-adopt-site={s.name}>
                  <label className="check">
                    <input type="checkbox" checked={picked.has(s.name)} onChange={() => toggle(s.name)} autoFocus={s === sites[0]} />
                    <strong>{s.name}</strong> <span className="muted mono">{s.home}</span>{s.status === 'suspended' && <> <span className="site-status site-suspended">suspended</span></>}
                  </label>
                  <dl className="adopt-found">
                    <dt>FTP logins</dt>
                    <dd>{ftp.length ? ftp.map((f) => f.user).join(', ') : <span className="muted">none</span>}</dd>
                    <dt>Databases</dt>
                    <dd>{dbs.length ? dbs.map((d) => `${d.name} (user ${d.users.join(', ')})`).join('; ') : <span className="muted">none</span>}</dd>
                    <dt>Domains</dt>
                    <dd>{domains.length ? domains.map((d) => `${[d.domain, ...d.aliases].join(' ')}${d.tls ? ' (HTTPS)' : ''}`).join('; ') : <span className="muted">none</span>}</dd>
                    <dt>PHP</dt>
                    <dd>{php ? `PHP ${php.version} pool (memory ${php.values.memoryLimit})` : <span className="muted">none</span>}</dd>
                  </dl>
                </li>
              );
            })}
          </ul>
        )}
        {scan && scan.notes.length > 0 && (
          <details className="adopt-notes">
            <summary>{scan.notes.length === 1 ? 'One thing' : `${scan.notes.length} things`} found that cannot be adopted</summary>
            <ul>{scan.notes.map((n) => <li key={n}>{n}</li>)}</ul>
          </details>
        )}
        <div className="actions">
          <button className="primary" disabled={importing.busy || picked.size === 0} onClick={() => void importPicked()}>Import selected ({picked.size})</button>
          {sites.length > 1 && <button onClick={() => setPicked(new Set(picked.size === sites.length ? [] : sites.map((s) => s.name)))}>{picked.size === sites.length ? 'Select none' : 'Select all'}</button>}
          <button onClick={onClose} autoFocus={sites.length === 0}>Close</button>
        </div>
      </div>
    </div>
  );
}
