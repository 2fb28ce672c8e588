// A new team account: user name, host pattern, role, and a password generated (shown once after
// the account exists) or typed. Checked with the contract's rules before the review; the core
// checks again before any of it reaches SQL.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PeopleChange, TEAM_ROLES, type TeamRole } from '../../shared/api/team-admin';
import { Field } from '../components/Field';
import { ROLE_SUMMARY } from './roles';
import { coreText } from '../i18n/core-text';

type Draft = { user: string; host: string; role: TeamRole; generate: boolean; password: string };
const EMPTY: Draft = { user: '', host: '%', role: 'support', generate: true, password: '' };

export function NewAccount({ onReview }: { onReview: (change: PeopleChange) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  function review() {
    const parsed = PeopleChange.safeParse({ action: 'create', user: draft.user, host: draft.host, role: draft.role, password: draft.generate ? null : draft.password });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'user'), coreText(i.message)])));
      return;
    }
    setErrors({});
    onReview(parsed.data);
  }

  return (
    <div className="team-new" role="region" aria-label={t('New account')}>
      <h3>{t('New account')}</h3>
      <div className="grid">
        <Field name="user" label={t('User name')} error={errors.user} hint={t('Letters, digits, "_", "." and "-"')}>
          <input aria-label={t('User name')} value={draft.user} onChange={(e) => set({ user: e.target.value })} />
        </Field>
        <Field name="host" label={t('Host')} error={errors.host} hint={t('% = any host; 10.0.%, a host name…')}>
          <input aria-label={t('Host')} value={draft.host} onChange={(e) => set({ host: e.target.value })} />
        </Field>
        <Field name="role" label={t('Role')} hint={t(ROLE_SUMMARY[draft.role])}>
          <select aria-label={t('Role')} value={draft.role} onChange={(e) => set({ role: e.target.value as TeamRole })}>
            {TEAM_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </Field>
        <Field name="password" label={t('Password')} error={errors.password} hint={draft.generate ? t('Generated and shown once when the account exists') : undefined}>
          <span className="inline">
            <label className="inline"><input type="checkbox" checked={draft.generate} onChange={(e) => set({ generate: e.target.checked, password: '' })} /> {t('Generate')}</label>
            {!draft.generate && <input type="password" aria-label={t('Password')} autoComplete="new-password" value={draft.password} onChange={(e) => set({ password: e.target.value })} />}
          </span>
        </Field>
      </div>
      <div className="actions">
        <button className="primary" onClick={review}>{t('Review statements…')}</button>
      </div>
    </div>
  );
}
