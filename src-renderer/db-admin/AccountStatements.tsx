// The step every account change goes through: its exact statements from the core (passwords as
// '***'), shown in a dialog; "Run" runs them, "Back" (or Escape) returns to the form.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Input } from '../../shared/api';
import type { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { useAction } from '../components/use-action';
import { trapKeys } from '../hosting/PreviewDialog';

/** The contract's field keys (change.scope.database, change.user, confirm) as the forms name them. */
export function accountFields(error: AppError | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(error?.fields ?? {})) out[key.replace(/^change\./, '').replace(/^scope\./, '')] ??= message;
  return out;
}

type Shown = { title: string; statements: string[]; danger: boolean; run: () => Promise<void> };

/** A form's review step: `review` asks the core for the statements and shows them; render `dialog`. */
export function useReview(serverId: string) {
  const action = useAction(accountFields);
  const [shown, setShown] = useState<Shown | null>(null);
  const review = (title: string, change: Input<'db.accountPreview'>['change'], run: () => Promise<void>) =>
    action.run(async () => {
      const r = await client.call('db.accountPreview', { serverId, change });
      setShown({ title, statements: r.statements, danger: change.op === 'drop' || change.op === 'revoke', run });
    });
  const dialog = shown && (
    <StatementsDialog
      title={shown.title}
      statements={shown.statements}
      danger={shown.danger}
      busy={action.busy}
      onRun={() => {
        setShown(null);
        void action.run(shown.run);
      }}
      onBack={() => setShown(null)}
    />
  );
  return { action, review, dialog };
}

function StatementsDialog({ title, statements, danger, busy, onRun, onBack }: { title: string; statements: string[]; danger: boolean; busy: boolean; onRun: () => void; onBack: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    return () => before?.focus();
  }, []);
  return (
    <div className="modal-backdrop">
      <div ref={ref} className="panel modal account-statements" role="dialog" aria-modal="true" aria-label={t('Preview: {{title}}', { title })} onKeyDown={(e) => trapKeys(e, ref.current, onBack)}>
        <h2>{t('Preview: {{title}}', { title })}</h2>
        <p className="muted">
          {statements.some((s) => s.includes("'***'"))
            ? t("{{count, number}} statements run in this order on the server exactly as shown (the password as '***': it is sent, never shown or kept). Nothing has run yet.", { count: statements.length })
            : t('{{count, number}} statements run in this order on the server exactly as shown. Nothing has run yet.', { count: statements.length })}
        </p>
        <pre className="preview-commands" tabIndex={0} aria-label={t('Statements')}>{statements.join(';\n')}</pre>
        <div className="actions">
          <button type="button" className={danger ? 'danger solid' : 'primary'} disabled={busy} onClick={onRun} autoFocus>{t('Run {{count, number}} statements', { count: statements.length })}</button>
          <button type="button" onClick={onBack}>{t('Back')}</button>
        </div>
      </div>
    </div>
  );
}
