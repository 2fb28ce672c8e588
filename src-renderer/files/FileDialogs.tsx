// The small dialogs of the file manager: new folder, rename/move, delete (confirmation naming
// what goes), replace an existing file, make an archive.
import { useState, type FormEvent } from 'react';
import { client } from '../client/client';
import type { Where } from './transfers';

export type Dialog =
  | { kind: 'mkdir' }
  | { kind: 'rename'; name: string }
  | { kind: 'delete'; name: string; isDir: boolean }
  | { kind: 'replace'; name: string; onYes: () => void }
  | { kind: 'archive'; names: string[]; zip: boolean };

type Props = { dialog: Dialog; busy: boolean; where: Where; dir: string; run: (fn: () => Promise<unknown>) => void; onClose: () => void };

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

export function FileDialogs({ dialog, busy, where, dir, run, onClose }: Props) {
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

  const title = { mkdir: 'New folder', rename: 'Rename or move', delete: 'Delete', replace: 'Replace file', archive: 'Make an archive' }[dialog.kind];
  return (
    <div className="modal-backdrop">
      <form className="panel modal file-dialog" role="dialog" aria-modal="true" aria-label={title} onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
        <h3>{title}</h3>
        {dialog.kind === 'mkdir' && <label>Name of the new folder <input autoFocus value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} /></label>}
        {dialog.kind === 'rename' && (
          <label>
            New path (in the home; another folder moves it) <input autoFocus value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
          </label>
        )}
        {dialog.kind === 'delete' && (
          <p>
            Delete <strong>{dialog.name}</strong>{dialog.isDir ? ' and everything in it' : ''}? This cannot be undone.
          </p>
        )}
        {dialog.kind === 'replace' && (
          <p>
            <strong>{dialog.name}</strong> already exists here. Replace it with the uploaded file?
          </p>
        )}
        {dialog.kind === 'archive' && (
          <>
            <label>Archive name <input autoFocus value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} /></label>
            <label>
              Format{' '}
              <select
                value={format}
                onChange={(e) => {
                  const f = e.target.value as 'tar.gz' | 'zip';
                  setFormat(f);
                  setText((t) => t.replace(/\.(tar\.gz|zip)$/, '') + `.${f}`);
                }}
              >
                <option value="tar.gz">tar.gz</option>
                <option value="zip" disabled={!dialog.zip}>zip{dialog.zip ? '' : ' (zip is not installed on the server)'}</option>
              </select>
            </label>
          </>
        )}
        <div className="actions">
          <button type="submit" className={dialog.kind === 'delete' ? 'danger solid' : 'primary'} disabled={busy || ((dialog.kind === 'mkdir' || dialog.kind === 'rename' || dialog.kind === 'archive') && !text.trim())} autoFocus={dialog.kind === 'delete' || dialog.kind === 'replace'}>
            {{ mkdir: 'Create', rename: 'Rename', delete: `Delete ${dialog.kind === 'delete' ? dialog.name : ''}`, replace: 'Replace', archive: 'Make archive' }[dialog.kind]}
          </button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </div>
  );
}
