// Editing one text file: read through files.readText, saved through files.writeText (written
// beside the file and renamed over it on the server).
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client } from '../client/client';
import { asError } from '../components/use-action';
import { FormError } from '../hosting/common';
import { FileEditor, languageOf } from './FileEditor';
import type { Where } from './transfers';

export function EditorPanel({ where, path, onClose }: { where: Where; path: string; onClose: () => void }) {
  const { t } = useTranslation();
  const file = useQuery({ queryKey: ['files.readText', where.serverId, where.site, path], queryFn: () => client.call('files.readText', { ...where, path }), gcTime: 0, retry: false });
  const text = useRef<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const save = useMutation({
    mutationFn: () => client.call('files.writeText', { ...where, path, text: text.current ?? file.data?.text ?? '' }),
    onSuccess: () => setDirty(false),
  });
  const name = path.split('/').pop() ?? path;
  return (
    <div className="modal-backdrop">
      <div className="panel modal editor-panel" role="dialog" aria-modal="true" aria-label={t('Edit {{path}}', { path })} onKeyDown={(e) => e.key === 'Escape' && !dirty && onClose()}>
        <div className="editor-head">
          <h3>{path}</h3>
          <span className="muted">{languageOf(name).label}{dirty ? ` · ${t('changed')}` : save.isSuccess ? ` · ${t('saved')}` : ''}</span>
          <span className="spacer" />
          <button className="primary" disabled={!file.data || save.isPending || !dirty} onClick={() => save.mutate()}>{t('Save')}</button>
          <button onClick={onClose}>{dirty ? t('Close without saving') : t('Close')}</button>
        </div>
        <FormError error={file.error ? asError(file.error) : save.error ? asError(save.error) : null} />
        {file.data && <FileEditor name={name} text={file.data.text} onChange={(value) => ((text.current = value), setDirty(true))} onSave={() => save.mutate()} />}
      </div>
    </div>
  );
}
