// How this workstation reaches the team database: directly (host:port from here), or through an
// SSH tunnel of one of the inventory's servers (host:port as that server sees them). Chosen when
// creating or joining a team, and changed later in team mode (checked before it is kept).
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TeamStatus } from '../../shared/api/team';
import { client } from '../client/client';
import { useServers } from '../client/hooks';
import { ErrorNote } from '../components/ErrorNote';
import { Field } from '../components/Field';
import { asError } from '../components/use-action';

/** The route select: '' is direct, else a server id. */
export function RouteSelect({ value, onChange, error }: { value: string; onChange: (serverId: string) => void; error?: string }) {
  const { t } = useTranslation();
  const servers = useServers();
  // Servers behind a jump host cannot carry it (the core refuses them): not offered.
  const offered = (servers.data ?? []).filter((s) => !s.jumpHostId);
  return (
    <Field
      name="tunnelServerId"
      label={t('Reach the database')}
      error={error}
      hint={value ? t('Host and port as that server sees them (often 127.0.0.1); its SSH login and pinned host key are kept on this computer') : t('Host and port as this computer sees them')}
    >
      <select name="tunnelServerId" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('Directly')}</option>
        {offered.map((s) => (
          <option key={s.id} value={s.id}>
            {t('Through server {{name}} (SSH tunnel)', { name: s.name })}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Team mode: change the route of a team this workstation is in. */
export function TeamRoute({ status, onDone }: { status: TeamStatus; onDone: (message: string | null) => void }) {
  const { t } = useTranslation();
  const current = status.team?.via?.serverId ?? '';
  const [choice, setChoice] = useState(current);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () => client.call('team.setRoute', { tunnelServerId: choice || null }),
    onSuccess: async ({ status: next }) => {
      onDone(next.team?.via ? t('The team database is now reached through {{name}}.', { name: next.team.via.name }) : t('The team database is now reached directly.'));
      await queryClient.invalidateQueries();
    },
  });
  const error = save.error ? asError(save.error) : null;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onDone(null);
        save.mutate();
      }}
      aria-label={t('Route to the team database')}
      className="team-route"
    >
      <h3>{t('Route to the team database')}</h3>
      {error && !error.fields && <ErrorNote error={error} />}
      <div className="grid">
        <RouteSelect value={choice} onChange={setChoice} error={error?.fields?.tunnelServerId} />
      </div>
      <div className="actions">
        <button type="submit" disabled={save.isPending || choice === current}>
          {save.isPending ? t('Connecting…') : t('Use this route')}
        </button>
      </div>
    </form>
  );
}
