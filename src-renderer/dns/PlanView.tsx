// A zone's plan: the records a push adds, changes and removes against the last push, and why it
// needs a confirmation (if it does).
import { useTranslation } from 'react-i18next';
import type { ZonePlan } from '../../shared/api/dns';
import type { DnsRecord } from '../../shared/dns';

function line(r: DnsRecord): string {
  return `${r.name} ${r.ttl} ${r.type} ${r.value}`;
}

export function PlanView({ plan }: { plan: ZonePlan }) {
  const { t } = useTranslation();
  const none = !plan.hasChanges;
  return (
    <div className="dns-plan" aria-label={t('Plan for {{zone}}', { zone: plan.zone })}>
      <div className="dns-plan-counts">
        {plan.isNew && <span className="plan-new">{t('New zone: never pushed; every record goes to the nameservers')}</span>}
        {none && <span className="muted">{t('No changes since the last push.')}</span>}
        {!none && !plan.isNew && (
          <>
            <span className="plan-added">+{t('{{n}} added', { n: plan.added.length })}</span>
            <span className="plan-changed">~{t('{{n}} changed', { n: plan.changed.length })}</span>
            <span className="plan-removed">−{t('{{n}} removed', { n: plan.removed.length })}</span>
            {plan.soaChanged && <span className="plan-changed">{t('SOA settings changed')}</span>}
          </>
        )}
      </div>
      {!none && !plan.isNew && (
        <ul className="dns-plan-lines mono">
          {plan.added.map((r) => <li key={`a ${line(r)}`} className="plan-added">+ {line(r)}</li>)}
          {plan.changed.map((c) => <li key={`c ${line(c.to)}`} className="plan-changed">~ {line(c.from)} → {c.to.ttl !== c.from.ttl && c.to.value === c.from.value ? `TTL ${c.to.ttl}` : c.to.value}</li>)}
          {plan.removed.map((r) => <li key={`r ${line(r)}`} className="plan-removed">− {line(r)}</li>)}
        </ul>
      )}
      {plan.confirmReasons.length > 0 && <p className="note note-warn dns-confirm-reason">{t('This push {{reasons}}: it needs your confirmation.', { reasons: plan.confirmReasons.join(t(' and ')) })}</p>}
    </div>
  );
}
