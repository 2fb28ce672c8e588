// "Adopt from server…": what already lives on the server and Hostdeck does not hold yet
// (hosting.adoptScan reads only), grouped by site with its FTP logins, databases, domains and PHP pool,
// and notes on what cannot be matched. The sites ticked are taken into Hostdeck's records as
// they are (hosting.adoptImport; no task runs).
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdoptionScan } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import type { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { asError, FormError, useAction } from './common';
import { trapKeys } from './PreviewDialog';

export function AdoptDialog({ server, onClose, onImported }: { server: Server; onClose: () => void; onImported: (message: string) => Promise<void> }) {
  const { t } = useTranslation();
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
      await onImported(names.length === 1
        ? t('Adopted the site {{site}} from {{server}} into Hostdeck\'s records (nothing ran on the server).', { site: names[0], server: server.name })
        : t('Adopted {{count, number}} sites from {{server}} into Hostdeck\'s records (nothing ran on the server).', { count: names.length, server: server.name }));
      onClose();
    });

  const sites = scan?.sites ?? [];
  return (
    <div className="modal-backdrop">
      <div ref={ref} className="panel modal adopt-dialog" role="dialog" aria-modal="true" aria-label={t('Adopt from {{server}}', { server: server.name })} onKeyDown={(e) => trapKeys(e, ref.current, onClose)}>
        <h2>{t('Adopt from {{server}}', { server: server.name })}</h2>
        <p className="muted">{t('Sites, FTP logins, databases, server blocks and PHP pools found on the server that Hostdeck does not hold yet. Ticked sites are taken into Hostdeck\'s records as they are; nothing runs on the server.')}</p>
        {!scan && !scanError && <p role="status">{t('Scanning {{server}}…', { server: server.name })}</p>}
        <FormError error={scanError ?? importing.error} />
        {scan && sites.length === 0 && <p className="note">{t('Nothing to adopt: every site-shaped account on {{server}} is already in Hostdeck.', { server: server.name })}</p>}
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
                    <strong>{s.name}</strong> <span className="muted mono">{s.home}</span>{s.status === 'suspended' && <> <span className="site-status site-suspended">{t('suspended')}</span></>}
                  </label>
                  <dl className="adopt-found">
                    <dt>{t('FTP logins')}</dt>
                    <dd>{ftp.length ? ftp.map((f) => f.user).join(', ') : <span className="muted">{t('none')}</span>}</dd>
                    <dt>{t('Databases')}</dt>
                    <dd>{dbs.length ? dbs.map((d) => t('{{db}} (user {{users}})', { db: d.name, users: d.users.join(', ') })).join('; ') : <span className="muted">{t('none')}</span>}</dd>
                    <dt>{t('Domains')}</dt>
                    <dd>{domains.length ? domains.map((d) => `${[d.domain, ...d.aliases].join(' ')}${d.tls ? ' (HTTPS)' : ''}`).join('; ') : <span className="muted">{t('none')}</span>}</dd>
                    <dt>PHP</dt>
                    <dd>{php ? t('PHP {{version}} pool (memory {{memory}})', { version: php.version, memory: php.values.memoryLimit }) : <span className="muted">{t('none')}</span>}</dd>
                  </dl>
                </li>
              );
            })}
          </ul>
        )}
        {scan && scan.notes.length > 0 && (
          <details className="adopt-notes">
            <summary>{t('{{count, number}} things found that cannot be adopted', { count: scan.notes.length })}</summary>
            <ul>{scan.notes.map((n) => <li key={n}>{n}</li>)}</ul>
          </details>
        )}
        <div className="actions">
          <button className="primary" disabled={importing.busy || picked.size === 0} onClick={() => void importPicked()}>{t('Import selected ({{n}})', { n: picked.size })}</button>
          {sites.length > 1 && <button onClick={() => setPicked(new Set(picked.size === sites.length ? [] : sites.map((s) => s.name)))}>{picked.size === sites.length ? t('Select none') : t('Select all')}</button>}
          <button onClick={onClose} autoFocus={sites.length === 0}>{t('Close')}</button>
        </div>
      </div>
    </div>
  );
}
