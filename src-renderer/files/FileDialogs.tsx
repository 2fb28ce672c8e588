// The small dialogs of the file manager: new folder, rename/move, delete (confirmation naming
// what goes), replace an existing file, make an archive.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { client } from '../client/client';
import type { Where } from './transfers';

export type Dialog =
  | { kind: 'mkdir' }
  | { kind: 'rename'; name: string }
  | { kind: 'delete'; name: string; isDir: boolean }
  | { kind: 'replace'; name: string; onYes: () => void }
  | { kind: 'archive'; names: string[]; zip: boolean };

type Props = { dialog: Dialog; busy: boolean; where: Where; dir: string; run: (fn: () => Promise<unknown>) => void; onClose: () => void };

// Archive format names, the same in every language.
const TAR_GZ = 'tar.gz';
const ZIP = 'zip';

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

export function FileDialogs({ dialog, busy, where, dir, run, onClose }: Props) {
  const { t } = useTranslation();
  const initial = dialog.kind === 'rename' ? join(dir, dialog.name) : dialog.kind === 'archive' ? `${dialog.names[0]}.tar.gz` : '';
  const [text, setText] = useState(initial);
  const [format, setFormat] = useState<'tar.gz' | 'zip'>('tar.gz');

  function submit(e: FormEvent) {
    e.preventDefault();
    if (dialog.kind === 'mkdir') run(() => client.call('files.mkdir', { ...where, dir, name: text }));
    else if (dialog.kind === 'rename') run(() => client.call('files.rename', { ...where, from: join(dir, dialog.name), to: text.replace(/^\/+/, '') }));
    else if (dialog.kind === 'delete') run(() => client.call('files.delete', { ...where, paths: [join(dir, dialog.name)], confirm: true }));
    else if (dialog.kind === 'archive') run(() => client.call('files.archive', { ...where, dir, names: dialog.names, name: text, format }));
    else {
      dialog.onYes();
      onClose();
    }
  }

  const title = { mkdir: t('New folder'), rename: t('Rename or move'), delete: t('Delete'), replace: t('Replace file'), archive: t('Make an archive') }[dialog.kind];
  return (
    <div className="modal-backdrop">
      <form className="panel modal file-dialog" role="dialog" aria-modal="true" aria-label={title} onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <h3>{title}</h3>
        {dialog.kind === 'mkdir' && <label>{t('Name of the new folder')} <input autoFocus value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} /></label>}
        {dialog.kind === 'rename' && (
          <label>
            {t('New path (in the home; another folder moves it)')} <input autoFocus value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
          </label>
        )}
        {dialog.kind === 'delete' && (
          <p>
            {t('Delete')} <strong>{dialog.name}</strong>{dialog.isDir ? t(' and everything in it') : ''}? {t('This cannot be undone.')}
          </p>
        )}
        {dialog.kind === 'replace' && (
          <p>
            <strong>{dialog.name}</strong> {t('already exists here. Replace it with the uploaded file?')}
          </p>
        )}
        {dialog.kind === 'archive' && (
          <>
            <label>{t('Archive name')} <input autoFocus value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} /></label>
            <label>
              {t('Format')}{' '}
              <select
                value={format}
                onChange={(e) => {
                  const f = e.target.value as 'tar.gz' | 'zip';
                  setFormat(f);
                  setText((old) => old.replace(/\.(tar\.gz|zip)$/, '') + `.${f}`);
                }}
              >
                <option value={TAR_GZ}>{TAR_GZ}</option>
                <option value={ZIP} disabled={!dialog.zip}>{ZIP}{dialog.zip ? '' : t(' (zip is not installed on the server)')}</option>
              </select>
            </label>
          </>
        )}
        <div className="actions">
          <button type="submit" className={dialog.kind === 'delete' ? 'danger solid' : 'primary'} disabled={busy || ((dialog.kind === 'mkdir' || dialog.kind === 'rename' || dialog.kind === 'archive') && !text.trim())} autoFocus={dialog.kind === 'delete' || dialog.kind === 'replace'}>
            {{ mkdir: t('Create'), rename: t('Rename'), delete: t('Delete {{name}}', { name: dialog.kind === 'delete' ? dialog.name : '' }), replace: t('Replace'), archive: t('Make archive') }[dialog.kind]}
          </button>
          <button type="button" onClick={onClose}>{t('Cancel')}</button>
        </div>
      </form>
    </div>
  );
}
