// Where the server's pure-ftpd, nginx and MySQL keep what tasks change (hosting.setSettings):
// one form in three groups, each path checked by the contract with its error under its field.
// Tasks queued from then on use the new values; tasks already queued keep theirs. In a team the
// save is checked against the version the form was opened at: someone else's change since shows
// both (ConflictNote) and asks which stays.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { HostingSettings as Settings } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { DEFAULT_CRON_SETTINGS } from '../../shared/cron';
import { Field, FormError, useAction } from './common';
import { ConflictNote, conflictOf } from '../team/ConflictNote';

type Values = Record<'passwdFile' | 'dbFile' | 'vhostDir' | 'nginxConf' | 'listen' | 'suspendedDir' | 'tlsDir' | 'tlsListen' | 'socket' | 'defaultsFile' | 'cronDir' | 'cronRunner', string>;

const LABELS = (t: TFunction): Record<keyof Values, string> => ({
  passwdFile: t('Passwd file'), dbFile: t('PureDB file'), vhostDir: t('Server block folder'), nginxConf: t('nginx main config'), listen: t('Listen address'), suspendedDir: t('Suspension flag folder'),
  tlsListen: t('HTTPS listen'), tlsDir: t('Certificate folder'), socket: t('Socket (optional)'), defaultsFile: t('Option file (optional)'), cronDir: t('Cron folder'), cronRunner: t('Job runner'),
});

const valuesOf = (s: Settings): Values => ({ ...s.ftp, ...s.web, socket: s.mysql.socket ?? '', defaultsFile: s.mysql.defaultsFile ?? '', cronDir: (s.cron ?? DEFAULT_CRON_SETTINGS).dir, cronRunner: (s.cron ?? DEFAULT_CRON_SETTINGS).runner });

/** version: team mode's version of the settings (what a save is based on). */
export function HostingSettings({ server, current, version, onSaved }: { server: Server; current: Settings; version?: number; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const [v, setV] = useState<Values>(() => valuesOf(current));
  // The version the edit is based on: the one the form was opened (or last saved) at, not a newer one the list refreshed to.
  const [baseVersion, setBaseVersion] = useState(version);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const initial = valuesOf(current);
  const changed = (Object.keys(v) as (keyof Values)[]).some((k) => v[k] !== initial[k]);
  const f = action.fields;
  const conflict = conflictOf(action.error);

  async function save(event: FormEvent) {
    event.preventDefault();
    await send(baseVersion);
  }

  async function send(based: number | undefined) {
    setSaved(false);
    const ok = await action.run(async () => {
      const r = await client.call('hosting.setSettings', {
        serverId: server.id,
        ...(based !== undefined ? { baseVersion: based } : {}),
        ftp: { passwdFile: v.passwdFile, dbFile: v.dbFile },
        web: { vhostDir: v.vhostDir, nginxConf: v.nginxConf, listen: v.listen, suspendedDir: v.suspendedDir, tlsDir: v.tlsDir, tlsListen: v.tlsListen },
        // Empty means the mysql client's own default on the server.
        mysql: { socket: v.socket.trim() || null, defaultsFile: v.defaultsFile.trim() || null },
        cron: { dir: v.cronDir, runner: v.cronRunner },
      });
      // The form shows what was stored (trimmed, nulls as empty), and stays open with its note.
      setV(valuesOf(r.settings));
      setBaseVersion(r.version);
      await onSaved();
    });
    setSaved(ok);
  }

  const input = (key: keyof Values, placeholder?: string) => (
    <input
      value={v[key]}
      onChange={(e) => {
        setSaved(false);
        setV({ ...v, [key]: e.target.value });
      }}
      placeholder={placeholder}
      spellCheck={false}
      autoComplete="off"
    />
  );

  return (
    <details className="panel hosting-settings">
      <summary>
        <strong>{t('Server settings')}</strong>
        <span className="muted">
          {' · '}{t('FTP users in')} <code>{current.ftp.passwdFile}</code> · {t('server blocks in')} <code>{current.web.vhostDir}</code> {t('on')} <code>{current.web.listen}</code> · MySQL{' '}
          {current.mysql.socket ? <code>{current.mysql.socket}</code> : t('client default')}
        </span>
      </summary>
      <form className="form" onSubmit={save} aria-label={t('Server settings')}>
        {conflict ? (
          <ConflictNote
            conflict={{ ...conflict, theirs: conflict.theirs && { ...conflict.theirs, data: valuesOf(conflict.theirs.data as unknown as Settings) } }}
            yours={v}
            labels={LABELS(t)}
            busy={action.busy}
            onOverwrite={(theirVersion) => {
              setBaseVersion(theirVersion);
              void send(theirVersion);
            }}
            onTakeTheirs={(theirs, theirVersion) => {
              setV(theirs as Values);
              setBaseVersion(theirVersion);
              action.clear();
            }}
          />
        ) : (
          <FormError error={action.error} />
        )}
        {saved && !changed && <div className="note note-ok" role="status">{t('Saved. Tasks queued from now on use these settings.')}</div>}
        <div className="settings-groups">
          <fieldset>
            <legend>{t('FTP (pure-ftpd)')}</legend>
            <Field name="ftp.passwdFile" label={t('Passwd file')} error={f['ftp.passwdFile']} hint={t("pure-pw's text file (Debian: /etc/pure-ftpd/pureftpd.passwd)")}>{input('passwdFile')}</Field>
            <Field name="ftp.dbFile" label={t('PureDB file')} error={f['ftp.dbFile']} hint={t('What pure-ftpd reads (Debian: /etc/pure-ftpd/pureftpd.pdb)')}>{input('dbFile')}</Field>
          </fieldset>
          <fieldset>
            <legend>{t('Web (nginx)')}</legend>
            <Field name="web.vhostDir" label={t('Server block folder')} error={f['web.vhostDir']} hint={t('A folder nginx includes *.conf from')}>{input('vhostDir')}</Field>
            <Field name="web.nginxConf" label={t('nginx main config')} error={f['web.nginxConf']} hint={t('Checked with nginx -t, reloaded with nginx -s reload')}>{input('nginxConf')}</Field>
            <Field name="web.listen" label={t('Listen address')} error={f['web.listen']} hint={t('A port (80) or address:port (203.0.113.5:80)')}>{input('listen')}</Field>
            <Field name="web.suspendedDir" label={t('Suspension flag folder')} error={f['web.suspendedDir']} hint={t('A file named after a suspended site goes here')}>{input('suspendedDir')}</Field>
            <Field name="web.tlsListen" label={t('HTTPS listen')} error={f['web.tlsListen']} hint={t('Port, or address:port, of HTTPS server blocks (443)')}>{input('tlsListen')}</Field>
            <Field name="web.tlsDir" label={t('Certificate folder')} error={f['web.tlsDir']} hint={t('Certificates and keys as <site>/<domain>.crt and .key (keys 0600)')}>{input('tlsDir')}</Field>
          </fieldset>
          <fieldset>
            <legend>MySQL</legend>
            <Field name="mysql.socket" label={t('Socket (optional)')} error={f['mysql.socket']} hint={t("Empty = the mysql client's default socket")}>{input('socket', t('client default'))}</Field>
            <Field name="mysql.defaultsFile" label={t('Option file (optional)')} error={f['mysql.defaultsFile']} hint={t("With the admin login, e.g. /root/.my.cnf; empty = the client's defaults")}>{input('defaultsFile', t('client defaults'))}</Field>
          </fieldset>
          <fieldset>
            <legend>Cron</legend>
            <Field name="cron.dir" label={t('Cron folder')} error={f['cron.dir']} hint={t("cron reads every file here; a site's jobs go to hostdeck-<site> (Debian: /etc/cron.d)")}>{input('cronDir')}</Field>
            <Field name="cron.runner" label={t('Job runner')} error={f['cron.runner']} hint={t('The script every job runs through (no overlap, the log), written by the tasks')}>{input('cronRunner')}</Field>
          </fieldset>
        </div>
        <div className="actions">
          <button className="primary" type="submit" disabled={action.busy || !changed}>{t('Save settings')}</button>
          <button type="button" disabled={action.busy || !changed} onClick={() => { setV(initial); action.clear(); }}>{t('Revert')}</button>
        </div>
      </form>
    </details>
  );
}
