// Permissions of a file or folder: the octal value and a grid of read/write/execute checkboxes
// for owner, group and others, kept in step.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { msg } from '../i18n';

const WHO = [[msg('Owner'), 6], [msg('Group'), 3], [msg('Others'), 0]] as const;
const WHAT = [[msg('Read'), 4], [msg('Write'), 2], [msg('Execute'), 1]] as const;

type Props = { name: string; mode: number; busy: boolean; onApply: (mode: number) => void; onCancel: () => void };

export function ChmodDialog({ name, mode, busy, onApply, onCancel }: Props) {
  const { t } = useTranslation();
  const [value, setValue] = useState(mode & 0o7777);
  const [typed, setTyped] = useState((mode & 0o7777).toString(8).padStart(3, '0'));
  const set = (m: number) => {
    setValue(m);
    setTyped(m.toString(8).padStart(3, '0'));
  };
  const valid = /^[0-7]{3,4}$/.test(typed);
  return (
    <div className="modal-backdrop">
      <form className="panel modal chmod-dialog" role="dialog" aria-modal="true" aria-label={t('Permissions of {{name}}', { name })} onSubmit={(e) => (e.preventDefault(), valid && onApply(value))} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
        <h3>{t('Permissions of {{name}}', { name })}</h3>
        <table className="chmod-grid">
          <thead>
            <tr><th />{WHAT.map(([label]) => <th key={label}>{t(label)}</th>)}</tr>
          </thead>
          <tbody>
            {WHO.map(([who, shift]) => (
              <tr key={who}>
                <th scope="row">{t(who)}</th>
                {WHAT.map(([what, bit]) => {
                  const b = bit << shift;
                  return (
                    <td key={what}>
                      <input type="checkbox" aria-label={t('{{who}} {{what}}', { who: t(who), what: t(what).toLowerCase() })} checked={(value & b) !== 0} onChange={(e) => set(e.target.checked ? value | b : value & ~b)} />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <label>
          {t('Octal')}{' '}
          <input aria-label={t('Octal mode')} value={typed} size={5} spellCheck={false} onChange={(e) => (setTyped(e.target.value), /^[0-7]{3,4}$/.test(e.target.value) && setValue(parseInt(e.target.value, 8)))} />
        </label>
        {!valid && <p className="field-error">{t('Three or four digits 0–7, e.g. 644 or 0755.')}</p>}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !valid}>{t('Apply')}</button>
          <button type="button" onClick={onCancel}>{t('Cancel')}</button>
        </div>
      </form>
    </div>
  );
}
