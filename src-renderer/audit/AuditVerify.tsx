// Verify the audit log's hash chain: how many entries hold, or the first one that does not
// (its line, time and what happened to it: changed, removed, inserted, reordered).
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AuditVerdict } from '../../shared/api/db';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { formatDateTime } from '../i18n/format';
import { msg } from '../i18n';

const PROBLEM: Record<NonNullable<AuditVerdict['broken']>['problem'], string> = {
  changed: msg('changed'),
  removed: msg('entries removed'),
  inserted: msg('entries inserted'),
  reordered: msg('entries reordered'),
};

export function AuditVerify() {
  const { t } = useTranslation();
  const verify = useMutation({ mutationFn: () => client.call('db.verifyAudit', {}) });
  const v = verify.data;
  return (
    <div className="audit-verify">
      <button onClick={() => verify.mutate()} disabled={verify.isPending}>
        {verify.isPending ? t('Verifying…') : t('Verify chain')}
      </button>
      {verify.error && <ErrorNote error={verify.error instanceof AppError ? verify.error : new AppError('internal', t('Verifying the audit log failed.'))} />}
      {v && (
        <div className={`note ${v.broken ? 'note-danger' : 'note-ok'}`} role="status" aria-label={t('Audit verification')}>
          {v.broken ? (
            <>
              <strong>{t('Chain broken at line {{line}}', { line: v.broken.index + 1 })}</strong>
              {v.broken.at && <> ({formatDateTime(v.broken.at)})</>}: {t(PROBLEM[v.broken.problem])}. {v.broken.detail}
              <div className="muted">{t('{{count, number}} entries verified before it.', { count: v.verified })}</div>
            </>
          ) : (
            <strong>{t('{{count, number}} entries verified.', { count: v.verified })}</strong>
          )}
          {(v.beforeChain > 0 || v.torn > 0) && (
            <div className="muted">
              {v.beforeChain > 0 && <>{t('{{count, number}} entries were written before the chain started (not verifiable).', { count: v.beforeChain })} </>}
              {v.torn > 0 && <>{t('{{count, number}} lines cut short by a crash mid-write skipped.', { count: v.torn })}</>}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
