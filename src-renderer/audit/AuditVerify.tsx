// Verify the audit log's hash chain: how many entries hold, or the first one that does not
// (its line, time and what happened to it: changed, removed, inserted, reordered).
import { useMutation } from '@tanstack/react-query';
import type { AuditVerdict } from '../../shared/api/db';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { formatDateTime } from '../i18n/format';

const PROBLEM: Record<NonNullable<AuditVerdict['broken']>['problem'], string> = {
  changed: 'changed',
  removed: 'entries removed',
  inserted: 'entries inserted',
  reordered: 'entries reordered',
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function AuditVerify() {
  const verify = useMutation({ mutationFn: () => client.call('db.verifyAudit', {}) });
  const v = verify.data;
  return (
    <div className="audit-verify">
      <button onClick={() => verify.mutate()} disabled={verify.isPending}>
        {verify.isPending ? 'Verifying…' : 'Verify chain'}
      </button>
      {verify.error && <ErrorNote error={verify.error instanceof AppError ? verify.error : new AppError('internal', 'Verifying the audit log failed.')} />}
      {v && (
        <div className={`note ${v.broken ? 'note-danger' : 'note-ok'}`} role="status" aria-label="Audit verification">
          {v.broken ? (
            <>
              <strong>Chain broken at line {v.broken.index + 1}</strong>
              {v.broken.at && <> ({formatDateTime(v.broken.at)})</>}: {PROBLEM[v.broken.problem]}. {v.broken.detail}
              <div className="muted">{plural(v.verified, 'entry', 'entries')} verified before it.</div>
            </>
          ) : (
            <strong>{plural(v.verified, 'entry', 'entries')} verified.</strong>
          )}
          {(v.beforeChain > 0 || v.torn > 0) && (
            <div className="muted">
              {v.beforeChain > 0 && <>{plural(v.beforeChain, 'entry was', 'entries were')} written before the chain started (not verifiable). </>}
              {v.torn > 0 && <>{plural(v.torn, 'line', 'lines')} cut short by a crash mid-write skipped.</>}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
