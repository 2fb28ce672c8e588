// "Deploy…" of a site: an app archive (uploaded first with Files into the site's hidden staging
// folder, or an https URL the server fetches) unpacked into a subfolder of public_html, with an
// optional SQL dump imported into one of the site's databases, placeholder files filled in,
// commands run as the site's user and a cron job. Preview shows the tasks; Deploy queues them.
// With a database, its user gets a new password, shown once here.
import { useState, type FormEvent } from 'react';
import { STAGING_DIR } from '../../shared/api/deploy';
import type { SiteRecord } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { client } from '../client/client';
import { Field, FormError, SecretOnce, splitList, useAction } from './common';
import { usePreview } from './PreviewDialog';

export function Deploy({ server, site, onChanged }: { server: Server; site: SiteRecord; onChanged: (message: string) => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<{ user: string; password: string } | null>(null);
  return (
    <section className="site-part deploy" data-site={site.name} aria-label={`Deploy an app into ${site.name}`}>
      <h4>Deploy an app</h4>
      {shown && (
        <SecretOnce label={`Password of ${shown.user}`} what={<>New password of <code>{shown.user}</code>, filled into the app</>} secret={shown.password} testId="deploy-password" onDone={() => setShown(null)} />
      )}
      {open ? (
        <DeployForm
          server={server}
          site={site}
          onCancel={() => setOpen(false)}
          onDone={async (message, secret) => {
            setOpen(false);
            if (secret) setShown(secret);
            await onChanged(message);
          }}
        />
      ) : <button onClick={() => setOpen(true)}>Deploy…</button>}
    </section>
  );
}

type FormProps = { server: Server; site: SiteRecord; onCancel: () => void; onDone: (message: string, secret?: { user: string; password: string }) => Promise<void> };

function DeployForm({ server, site, onCancel, onDone }: FormProps) {
  const [source, setSource] = useState('');
  const [target, setTarget] = useState('app');
  const [maxMb, setMaxMb] = useState('512');
  const [database, setDatabase] = useState('');
  const [dump, setDump] = useState('');
  const [files, setFiles] = useState('');
  const [commands, setCommands] = useState('');
  const [schedule, setSchedule] = useState('');
  const [cronCommand, setCronCommand] = useState('');
  const action = useAction();
  const preview = usePreview(server.id, action);
  const f = action.fields;

  const input = {
    serverId: server.id,
    site: site.name,
    source: source.startsWith('https://') ? { kind: 'url' as const, url: source } : { kind: 'staged' as const, archive: source },
    target,
    maxUnpackedMb: Number(maxMb),
    ...(database === '' ? {} : { database }),
    ...(dump === '' ? {} : { dump }),
    placeholderFiles: splitList(files),
    commands: commands.split('\n').map((c) => c.trim()).filter(Boolean),
    ...(schedule === '' && cronCommand === '' ? {} : { cron: { schedule, command: cronCommand } }),
  };
  const user = site.databases.find((d) => d.name === database)?.user ?? '';

  const run = () =>
    action.run(async () => {
      const r = await client.call('deploy.run', input);
      await onDone(`Deploy of ${source} into public_html/${target} queued: ${r.tasks.length} tasks on ${server.name}.`, r.password === null ? undefined : { user, password: r.password });
    });

  function submit(event: FormEvent) {
    event.preventDefault();
    void run();
  }

  return (
    <form className="form sub-form" onSubmit={submit} aria-label={`Deploy into ${site.name}`}>
      <FormError error={action.error} />
      <Field name="source" label="Archive" error={f['source.archive'] ?? f['source.url'] ?? f.source} hint={<>A .tar.gz or .zip uploaded with Files into <code>~/{STAGING_DIR}</code> (its file name), or an https URL</>}>
        <input value={source} onChange={(e) => setSource(e.target.value)} spellCheck={false} autoComplete="off" autoFocus />
      </Field>
      <Field name="target" label="Folder in public_html" error={f.target} hint="A folder of its own; an existing one is moved aside into the staging folder">
        <input value={target} onChange={(e) => setTarget(e.target.value)} spellCheck={false} autoComplete="off" />
      </Field>
      <Field name="maxUnpackedMb" label="Size limit (MB, unpacked)" error={f.maxUnpackedMb}>
        <input value={maxMb} onChange={(e) => setMaxMb(e.target.value)} inputMode="numeric" />
      </Field>
      <Field name="database" label="Database" error={f.database} hint="Its user gets a new password, filled into the placeholders">
        <select value={database} onChange={(e) => setDatabase(e.target.value)}>
          <option value="">None</option>
          {site.databases.map((d) => <option key={d.name} value={d.name}>{d.name}</option>)}
        </select>
      </Field>
      <Field name="dump" label="SQL dump (optional)" error={f.dump} hint={<>A .sql or .sql.gz in <code>~/{STAGING_DIR}</code>, imported as the database's user</>}>
        <input value={dump} onChange={(e) => setDump(e.target.value)} spellCheck={false} autoComplete="off" />
      </Field>
      <Field name="placeholderFiles" label="Files with placeholders (optional)" error={f.placeholderFiles} hint={<>Paths in the folder, e.g. config.php: {'{{DB_NAME}} {{DB_USER}} {{DB_PASSWORD}} {{DB_HOST}} {{DOMAIN}}'} (in .php between single quotes)</>}>
        <input value={files} onChange={(e) => setFiles(e.target.value)} spellCheck={false} autoComplete="off" />
      </Field>
      <Field name="commands" label="Commands after deploy (optional)" error={f.commands} hint="One per line, run in the folder as the site's user">
        <textarea value={commands} onChange={(e) => setCommands(e.target.value)} rows={3} spellCheck={false} />
      </Field>
      <Field name="cron" label="Cron job (optional): schedule" error={f['cron.schedule']}>
        <input value={schedule} onChange={(e) => setSchedule(e.target.value)} placeholder="*/15 * * * *" spellCheck={false} autoComplete="off" />
      </Field>
      <Field name="cronCommand" label="Cron job: command" error={f['cron.command']}>
        <input value={cronCommand} onChange={(e) => setCronCommand(e.target.value)} spellCheck={false} autoComplete="off" />
      </Field>
      <div className="actions">
        <button className="primary" type="submit" disabled={action.busy}>Deploy</button>
        <button type="button" disabled={action.busy} onClick={() => void preview.show(`deploy into ${site.name}`, async () => (await client.call('deploy.preview', input)).tasks, run)}>Preview</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
      {preview.dialog}
    </form>
  );
}
