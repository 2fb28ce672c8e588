// Adding or editing one record: name, type, TTL and value, each with its field error from the
// contract (or from the zone-wide checks: CNAME exclusivity, duplicates).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { RECORD_TYPES, type DnsRecord, type RecordType } from '../../shared/dns';
import { client } from '../client/client';
import { ActionError, EXAMPLES, Field, ttlOf, useAction } from './common';

type Props = { zone: string; defaultTtl: number; old?: DnsRecord; onSaved: () => void; onCancel?: () => void };

export function RecordForm({ zone, defaultTtl, old, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState(old?.name ?? '');
  const [type, setType] = useState<RecordType>(old?.type ?? 'A');
  const [ttl, setTtl] = useState(String(old?.ttl ?? defaultTtl));
  const [value, setValue] = useState(old?.value ?? '');
  const action = useAction();
  const f = action.fields;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const ok = await action.run(async () => {
      await client.call('dns.putRecord', { zone, record: { name: name.trim() || '@', type, ttl: ttlOf(ttl), value }, ...(old ? { old } : {}) });
    });
    if (ok) {
      if (!old) {
        setName('');
        setValue('');
      }
      onSaved();
    }
  }

  return (
    <form className={`dns-record-form ${old ? 'editing' : ''}`} onSubmit={(e) => void submit(e)} aria-label={old ? t('Edit {{type}} record {{name}}', { type: old.type, name: old.name }) : t('Add a record')}>
      <div className="dns-record-fields">
        <Field label={t('Name')} error={f['record.name']} hint={t('relative to {{zone}}; @ = the zone itself', { zone })} className="f-name">
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="www" spellCheck={false} autoComplete="off" aria-label={t('Name')} />
        </Field>
        <Field label={t('Type')} error={f['record.type']} className="f-type">
          <select value={type} onChange={(e) => setType(e.target.value as RecordType)} aria-label={t('Type')}>
            {RECORD_TYPES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </Field>
        <Field label={t('TTL (s)')} error={f['record.ttl']} className="f-ttl">
          <input value={ttl} onChange={(e) => setTtl(e.target.value)} inputMode="numeric" aria-label="TTL" />
        </Field>
        <Field label={t('Value')} error={f['record.value']} hint={type === 'TXT' ? t('The text itself: quoting and 255-byte splitting are done for you') : t('like {{example}}', { example: EXAMPLES[type] })} className="f-value">
          <input value={value} onChange={(e) => setValue(e.target.value)} placeholder={EXAMPLES[type]} spellCheck={false} autoComplete="off" aria-label={t('Value')} />
        </Field>
        <div className="dns-record-buttons">
          <button className="primary" type="submit" disabled={action.busy}>{old ? t('Save') : t('Add record')}</button>
          {onCancel && <button type="button" onClick={onCancel}>{t('Cancel')}</button>}
        </div>
      </div>
      <ActionError error={action.error} fieldsShown={['record.name', 'record.type', 'record.ttl', 'record.value']} />
    </form>
  );
}
