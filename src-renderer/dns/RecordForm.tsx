// Adding or editing one record: name, type, TTL and value, each with its field error from the
// contract (or from the zone-wide checks: CNAME exclusivity, duplicates). In a team an edit is
// saved against the zone's version it was opened at: when someone else changed the zone since,
// both versions of the record are shown and the user chooses (ConflictNote).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { RECORD_TYPES, type DnsRecord, type RecordType } from '../../shared/dns';
import { client } from '../client/client';
import { ConflictNote, conflictOf, type Conflict } from '../team/ConflictNote';
import { ActionError, EXAMPLES, Field, ttlOf, useAction } from './common';

/** version: team mode's version of the zone the form was opened at. */
type Props = { zone: string; defaultTtl: number; old?: DnsRecord; version?: number; onSaved: () => void; onCancel?: () => void };

/** Their side of a conflict: the records of the edited one's name and type in their zone. */
function theirRecord(conflict: Conflict, old: DnsRecord): { record: DnsRecord | null; conflict: Conflict } {
  const zone = conflict.theirs?.data.zone as { records?: DnsRecord[] } | undefined;
  const same = (zone?.records ?? []).filter((r) => r.name === old.name && r.type === old.type);
  const shown = { name: old.name, type: old.type, ttl: same[0]?.ttl, value: same.length > 0 ? same.map((r) => r.value).join(', ') : undefined };
  return { record: same.length === 1 ? same[0]! : null, conflict: { ...conflict, theirs: conflict.theirs && { ...conflict.theirs, data: shown } } };
}

export function RecordForm({ zone, defaultTtl, old, version, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState(old?.name ?? '');
  const [type, setType] = useState<RecordType>(old?.type ?? 'A');
  const [ttl, setTtl] = useState(String(old?.ttl ?? defaultTtl));
  const [value, setValue] = useState(old?.value ?? '');
  // The version an edit is based on stays the one it was opened at (the zone refreshes under it).
  const [baseVersion, setBaseVersion] = useState(version);
  const [replacing, setReplacing] = useState(old);
  const action = useAction();
  const f = action.fields;
  const record = { name: name.trim() || '@', type, ttl: ttlOf(ttl), value };
  const conflict = old ? conflictOf(action.error) : null;
  const theirs = conflict && old ? theirRecord(conflict, old) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    await save(replacing, baseVersion);
  }

  async function save(over: DnsRecord | undefined, based: number | undefined) {
    const ok = await action.run(async () => {
      await client.call('dns.putRecord', { zone, record, ...(over ? { old: over } : {}), ...(over && based ? { baseVersion: based } : {}) });
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
      {theirs ? (
        <ConflictNote
          conflict={theirs.conflict}
          yours={{ ...record, ttl: Number.isFinite(record.ttl) ? record.ttl : ttl }}
          labels={{ name: t('Name'), type: t('Type'), ttl: t('TTL (s)'), value: t('Value') }}
          busy={action.busy}
          onOverwrite={(theirVersion) => {
            // Mine replaces their version of the record (or is added when theirs is gone or ambiguous).
            setBaseVersion(theirVersion);
            setReplacing(theirs.record ?? undefined);
            void save(theirs.record ?? undefined, theirVersion);
          }}
          onTakeTheirs={() => (onCancel ?? onSaved)()}
        />
      ) : (
        <ActionError error={action.error} fieldsShown={['record.name', 'record.type', 'record.ttl', 'record.value']} />
      )}
    </form>
  );
}
