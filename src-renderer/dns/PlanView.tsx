// A zone's plan: the records a push adds, changes and removes against the last push, and why it
// needs a confirmation (if it does).
import type { ZonePlan } from '../../shared/api/dns';
import type { DnsRecord } from '../../shared/dns';

function line(r: DnsRecord): string {
  return `${r.name} ${r.ttl} ${r.type} ${r.value}`;
}

export function PlanView({ plan }: { plan: ZonePlan }) {
  const none = !plan.hasChanges;
  return (
    <div className="dns-plan" aria-label={`Plan for ${plan.zone}`}>
      <div className="dns-plan-counts">
        {plan.isNew && <span className="plan-new">New zone: never pushed; every record goes to the nameservers</span>}
        {none && <span className="muted">No changes since the last push.</span>}
        {!none && !plan.isNew && (
          <>
            <span className="plan-added">+{plan.added.length} added</span>
            <span className="plan-changed">~{plan.changed.length} changed</span>
            <span className="plan-removed">−{plan.removed.length} removed</span>
            {plan.soaChanged && <span className="plan-changed">SOA settings changed</span>}
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
      {plan.confirmReasons.length > 0 && <p className="note note-warn dns-confirm-reason">This push {plan.confirmReasons.join(' and ')}: it needs your confirmation.</p>}
    </div>
  );
}
