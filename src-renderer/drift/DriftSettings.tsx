// How often drift is checked on its own: after every Nth health check a server answers.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';

const KEY = ['drift', 'settings'] as const;

export function DriftSettingsForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: KEY, queryFn: () => client.call('drift.settings', {}) });
  const [value, setValue] = useState('');
  useEffect(() => {
    if (settings.data) setValue(String(settings.data.everyTicks));
  }, [settings.data]);
  const save = useMutation({
    mutationFn: (everyTicks: number) => client.call('drift.setSettings', { everyTicks }),
    onSuccess: (data) => queryClient.setQueryData(KEY, data),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(Number(value));
  };
  const error = save.error instanceof AppError ? (save.error.fields?.everyTicks ?? save.error.message) : null;
  return (
    <form className="drift-settings" onSubmit={submit} aria-label={t('Drift settings')}>
      <label>
        {t("Check each server's drift after every")}
        <input type="number" min={0} max={10000} value={value} onChange={(e) => setValue(e.target.value)} aria-label={t('Health checks between drift checks')} />
        {t('health checks it answers (0: only when asked)')}
      </label>
      <button type="submit" disabled={save.isPending}>{t('Save')}</button>
      {save.isSuccess && !save.isPending && <span className="muted" role="status">{t('Saved.')}</span>}
      {error && <span className="field-error" role="alert">{error}</span>}
    </form>
  );
}
