// Deploying an app into a site against the real sshd web1 as root, the testbed's nginx, php-fpm
// and MariaDB: a tar.gz PHP app with a config.php of placeholders and a .sql dump, both staged in
// the site's home, deployed into public_html/app: the page served through nginx shows the row the
// dump inserted, read with the credentials the placeholders received. Hostile archives (entries
// with ".." or an absolute path, a zip bomb over the limit) are refused before anything is
// extracted; a dump that switches to the mysql database or grants itself rights fails and changes
// nothing outside the site's own database.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostingSettings } from '../../shared/api/hosting';
import { DEFAULT_PHP_VALUES, type PhpSettings } from '../../shared/php';
import type { Task } from '../../shared/queue';
import { coreSuite } from '../helpers/core';
import { mariadbRoot, settleQueue, sh, testbedWebSettings } from '../helpers/hosting';
import { getUntil, removeTestPool, testbedPhpSettings } from '../helpers/php';
import { registerSecret } from '../helpers/secrets';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hddp${tag}`;
const host = `dp-${tag}.test`;
const dbName = `${site}_app`;
const dbUser = `${site}_u`;
const canary = `/tmp/hd-deploy-canary-${tag}`;
const work = `/tmp/hd-deploy-work-${tag}`;
const stage = `/home/${site}/.hostdeck-deploy`;

function settings(): HostingSettings & { php: PhpSettings } {
  const tb = suite.tb;
  return {
    ftp: { passwdFile: tb.ftp.passwdFile, dbFile: tb.ftp.dbFile },
    web: testbedWebSettings(tb),
    mysql: { socket: tb.mariadb.socket, defaultsFile: null },
    php: testbedPhpSettings(tb),
  };
}

function statuses(tasks: Task[]): string {
  return tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');
}

/** A tar.gz with exactly these entry names (python's tarfile writes ".." and absolute names as given). */
function tarWith(file: string, entries: Record<string, string>): void {
  const script = 'import io,json,sys,tarfile\nt=tarfile.open(sys.argv[1],"w:gz")\nfor n,c in json.loads(sys.argv[2]).items():\n  b=c.encode()\n  i=tarfile.TarInfo(n); i.size=len(b); i.mode=0o644; t.addfile(i,io.BytesIO(b))\nt.close()';
  if (sh(`python3 -c '${script}' ${file} '${JSON.stringify(entries)}'`) === null) throw new Error(`could not write ${file}`);
}

/** A tar.gz of 3 MB of zeros whose owner and group names have spaces (they must not shift the sizes the limit is checked on). */
function ownerSpacesBomb(file: string): void {
  const script = 'import io,sys,tarfile\nt=tarfile.open(sys.argv[1],"w:gz")\ni=tarfile.TarInfo("zeros"); i.size=3145728; i.mode=0o644; i.uname="a b c"; i.gname="d e"\nt.addfile(i,io.BytesIO(bytes(i.size)))\nt.close()';
  if (sh(`python3 -c '${script}' ${file}`) === null) throw new Error(`could not write ${file}`);
}

/** A zip with exactly these entry names. */
function zipWith(file: string, entries: Record<string, string>): void {
  const script = 'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED)\nfor n,c in json.loads(sys.argv[2]).items(): z.writestr(n,c)\nz.close()';
  if (sh(`python3 -c '${script}' ${file} '${JSON.stringify(entries)}'`) === null) throw new Error(`could not write ${file}`);
}

/** Stages a file in the site's staging folder, owned by the site (as an upload through the files API would be). */
function stageFile(name: string, from: string): void {
  sh(`mkdir -p -m 0700 ${stage} && cp ${from} ${stage}/${name} && chown -R ${site}: ${stage}`);
}

afterAll(async () => {
  await removeTestPool(site);
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${site}-*.conf /etc/cron.d/hostdeck-${site}`);
  try {
    mariadbRoot(`DROP DATABASE IF EXISTS \`${dbName}\`; DROP USER IF EXISTS '${dbUser}'@'localhost'; DROP TABLE IF EXISTS mysql.hd_evil_${tag}`);
  } catch {
    // the testbed's MariaDB may be gone already
  }
  rmSync(canary, { force: true });
  rmSync(work, { recursive: true, force: true });
  sh(`nginx -s reload -c ${suite.tb.nginx.conf}`);
});

describe('deploy an app into a site', () => {
  it('unpacks, imports, fills in placeholders, runs commands and adds a cron job; the page shows the row; hostile archives and dumps are refused', async () => {
    const t = await suite.web1('deploy', 'root');
    const serverId = t.server.id;
    await t.call('hosting.setSettings', { serverId, ...settings() });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0, domains: [host] });
    await t.call('hosting.setPhp', { serverId, site, version: suite.tb.php.version, values: DEFAULT_PHP_VALUES, extras: [] });
    const db = await t.call<{ password: string }>('hosting.createDb', { serverId, site, name: dbName, user: dbUser });
    registerSecret('deploy test: first db password', db.password);
    let tasks = await settleQueue(t, serverId, 90_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);

    // The app: config.php with placeholders (between single quotes), index.php reading a row.
    mkdirSync(`${work}/app`, { recursive: true });
    writeFileSync(`${work}/app/config.php`, "<?php return ['name' => '{{DB_NAME}}', 'user' => '{{DB_USER}}', 'pass' => '{{DB_PASSWORD}}', 'host' => '{{DB_HOST}}', 'domain' => '{{DOMAIN}}'];\n");
    writeFileSync(`${work}/app/index.php`, `<?php $c = require __DIR__ . '/config.php'; $db = new mysqli($c['host'], $c['user'], $c['pass'], $c['name'], 0, '${suite.tb.mariadb.socket}'); $r = $db->query('SELECT greeting FROM hello')->fetch_row(); echo $r[0], ' @ ', $c['domain'], "\\n";\n`);
    sh(`tar -czf ${work}/app.tar.gz -C ${work}/app .`);
    writeFileSync(`${work}/dump.sql`, "CREATE TABLE hello (greeting VARCHAR(64));\nINSERT INTO hello VALUES ('hello from the dump');\n");
    stageFile('app.tar.gz', `${work}/app.tar.gz`);
    stageFile('dump.sql', `${work}/dump.sql`);

    const input = {
      serverId, site, source: { kind: 'staged', archive: 'app.tar.gz' }, target: 'app', database: dbName, dump: 'dump.sql',
      placeholderFiles: ['config.php'], commands: ['touch deployed.txt'], cron: { schedule: '17 3 * * *', command: 'php public_html/app/index.php' },
    };
    const preview = await t.call<{ tasks: { kind: string; commands: string[] }[] }>('deploy.preview', input);
    expect(preview.tasks.map((x) => x.kind)).toEqual(['db.password', 'deploy.unpack', 'deploy.import', 'deploy.configure', 'deploy.commands', 'cron.file']);
    const run = await t.call<{ password: string; tasks: Task[] }>('deploy.run', input);
    registerSecret('deploy test: deploy db password', run.password);
    expect(JSON.stringify(preview)).not.toContain(run.password);
    tasks = await settleQueue(t, serverId, 60_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);

    const page = await getUntil(host, '/app/index.php', (r) => r.status === 200);
    expect(page).toEqual({ status: 200, body: `hello from the dump @ ${host}\n` });
    expect(sh(`stat -c %U /home/${site}/public_html/app/deployed.txt`)?.trim()).toBe(site);
    expect(readFileSync(`/etc/cron.d/hostdeck-${site}`, 'utf8')).toContain('php public_html/app/index.php');
    expect(JSON.stringify(tasks)).not.toContain(run.password);

    // A zip works the same way.
    zipWith(`${work}/app.zip`, { 'index.html': 'zipped app' });
    stageFile('app.zip', `${work}/app.zip`);
    await t.call('deploy.run', { serverId, site, source: { kind: 'staged', archive: 'app.zip' }, target: 'zipped' });
    tasks = await settleQueue(t, serverId, 30_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect(await getUntil(host, '/zipped/index.html', (r) => r.status === 200)).toEqual({ status: 200, body: 'zipped app' });

    // Hostile archives: refused from the listing, before anything is extracted.
    writeFileSync(canary, 'canary\n');
    sh(`chmod 0666 ${canary}`);
    tarWith(`${work}/evil.tar.gz`, { 'ok.txt': 'ok', [`../../../../../..${canary}`]: 'pwned' });
    tarWith(`${work}/abs.tar.gz`, { 'ok.txt': 'ok', [canary]: 'pwned' });
    sh(`head -c 3145728 /dev/zero > ${work}/zeros && tar -czf ${work}/bomb.tar.gz -C ${work} zeros`);
    zipWith(`${work}/evil.zip`, { 'ok.txt': 'ok', [`../../../../../..${canary}`]: 'pwned' });
    sh(`cd ${work} && zip -q bomb.zip zeros`);
    ownerSpacesBomb(`${work}/owner.tar.gz`);
    const hostile = [['evil.tar.gz', 'outside its folder'], ['abs.tar.gz', 'outside its folder'], ['bomb.tar.gz', 'more than the limit'], ['owner.tar.gz', 'more than the limit'], ['evil.zip', 'outside its folder'], ['bomb.zip', 'more than the limit']] as const;
    for (const [archive, why] of hostile) {
      stageFile(archive, `${work}/${archive}`);
      await t.call('deploy.run', { serverId, site, source: { kind: 'staged', archive }, target: 'hostile', maxUnpackedMb: 1 });
      tasks = await settleQueue(t, serverId, 30_000);
      const failed = tasks.find((x) => x.status === 'failed');
      expect(failed?.kind, statuses(tasks)).toBe('deploy.unpack');
      expect(failed?.stderrTail).toContain(why);
      await t.call('queue.skip', { serverId });
      expect(readFileSync(canary, 'utf8')).toBe('canary\n');
      expect(existsSync(`/home/${site}/public_html/hostile`)).toBe(false);
      expect(sh(`ls ${stage} | grep -c '^unpack\\.'`)?.trim() ?? '0').toBe('0');
    }

    // A hostile dump: USE mysql and GRANT fail as the site's database user; nothing changes outside its database.
    const grantsBefore = mariadbRoot(`SHOW GRANTS FOR '${dbUser}'@'localhost'`);
    for (const [dump, sql] of [
      ['use.sql', `USE mysql;\nCREATE TABLE hd_evil_${tag} (x INT);\n`],
      ['grant.sql', `GRANT ALL PRIVILEGES ON *.* TO '${dbUser}'@'localhost';\n`],
    ] as const) {
      writeFileSync(`${work}/${dump}`, sql);
      stageFile(dump, `${work}/${dump}`);
      const again = await t.call<{ password: string }>('deploy.run', { serverId, site, source: { kind: 'staged', archive: 'app.tar.gz' }, target: 'again', database: dbName, dump });
      registerSecret(`deploy test: ${dump} db password`, again.password);
      tasks = await settleQueue(t, serverId, 30_000);
      const failed = tasks.find((x) => x.status === 'failed');
      expect(failed?.kind, statuses(tasks)).toBe('deploy.import');
      expect(failed?.stderrTail).toMatch(/denied/i);
      await t.call('queue.skip', { serverId });
    }
    expect(mariadbRoot(`SHOW TABLES FROM mysql LIKE 'hd_evil_${tag}'`).trim()).toBe('');
    expect(mariadbRoot(`SHOW GRANTS FOR '${dbUser}'@'localhost'`).replace(/PASSWORD '[^']*'/, '')).toBe(grantsBefore.replace(/PASSWORD '[^']*'/, ''));
    expect(mariadbRoot(`SELECT greeting FROM \`${dbName}\`.hello`).trim()).toBe('hello from the dump');
  });
});
