// Hostile placeholder values in a deploy, against web1 as root and the testbed's MariaDB: the
// database password an admin gives logs the dump's import in (through the client's option file)
// and is filled into config.php through the real configure task,
// for 36 values full of shell, sed, perl and PHP syntax (quotes, backslashes, &, /, |, $(…),
// backticks, another placeholder's {{NAME}}); a real php reads every value back exactly, the
// file's unknown {{…}} stays as it is, and a canary outside the site's home is untouched (no
// command of a value ran). Values with line breaks or other control characters, unknown
// placeholder names, and special characters bound for a non-PHP file are refused by the
// contract before anything is queued.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Task } from '../../shared/queue';
import { coreSuite } from '../helpers/core';
import { databasesAs, mariadbRoot, settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';
import { registerSecret } from '../helpers/secrets';

const suite = coreSuite();
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const site = `hddh${tag}`;
const host = `dh-${tag}.test`;
const dbName = `${site}_app`;
const dbUser = `${site}_u`;
const canary = `/tmp/hd-deploy-hostile-canary-${tag}`;
const ran = `/tmp/hd-deploy-hostile-ran-${tag}`;
const work = `/tmp/hd-deploy-hostile-${tag}`;

/**
 * Every value is also a password (8 to 128 characters): a shorter one gets this run's tag in
 * front (its last character, which could escape a closing quote, stays last). Each is unique to
 * this run, so the final secret scan finds only real leaks of it.
 */
const HOSTILE = [
  "'", '\\', '&', '/', '|', "\\'", "'\\", '\\\\', "''", '"', '`', '$', '%', '#', ';',
  `'; touch ${ran}; '`, `$(touch ${ran})`, `\`touch ${ran}\``, `"; touch ${ran}; "`, `| touch ${ran}`, `&& touch ${ran}`,
  's/x/y/g', 's|a|b|e', '\\1\\2&\\0', '$1 $& $ENV{HOME}', '@{[ `id` ]}', '${HOME}', '%v{DB_NAME}',
  `{{DB_NAME}}${tag}`, `{{DOMAIN}}${tag}{{SITE_URL}}`, `${tag}{{DB_PASSWORD}}`, '?>', "'); system('touch " + ran + "'); ('",
  `<?php echo ${tag}; ?>`, 'é🙂Ｏｆｆ', "all: ' \\ & / | ; $ ` \" # % ( ) { } [ ] < > * ? ~ ! = + @ ^",
].map((v) => (v.length < 8 ? `${tag}pw${v}` : v));

const CONTROL = ['a\nbcdefgh', 'abcdefg\r', 'abc\u0000defgh', 'abc\tdefgh', 'abcdefgh\u001b[31m', "x';\nsystem('id');//"].map((v) => `${tag}${v}`);

const statuses = (tasks: Task[]) => tasks.map((x) => `${x.kind}:${x.status}${x.status === 'failed' ? ` (${x.stderrTail})` : ''}`).join('\n');

afterAll(() => {
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(`/home/${site}`, { recursive: true, force: true });
  sh(`rm -f ${suite.tb.nginx.sitesDir}/hostdeck-${site}-*.conf && nginx -s reload -c ${suite.tb.nginx.conf}`);
  try {
    mariadbRoot(`DROP DATABASE IF EXISTS \`${dbName}\`; DROP USER IF EXISTS '${dbUser}'@'localhost'`);
  } catch {
    // the testbed's MariaDB may be gone already
  }
  rmSync(canary, { force: true });
  rmSync(ran, { force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('hostile placeholder values', () => {
  // 36 deploys of four tasks each: about 10 s alone, longer beside other tests.
  it('fills each hostile password into config.php exactly, runs none of it, and refuses control characters and unknown placeholders', { timeout: 150_000 }, async () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(30);
    const t = await suite.web1('deploy-hostile', 'root');
    const serverId = t.server.id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0, domains: [host] });
    const db = await t.call<{ password: string }>('hosting.createDb', { serverId, site, name: dbName, user: dbUser });
    registerSecret('deploy hostile test: first db password', db.password);
    let tasks = await settleQueue(t, serverId, 60_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);

    mkdirSync(`${work}/app`, { recursive: true });
    writeFileSync(
      `${work}/app/config.php`,
      "<?php return ['pass' => '{{DB_PASSWORD}}', 'user' => '{{DB_USER}}', 'name' => '{{DB_NAME}}', 'url' => '{{SITE_URL}}', 'other' => '{{NOT_OURS}}', 'twice' => '{{DB_PASSWORD}}{{DB_PASSWORD}}'];\n",
    );
    sh(`tar -czf ${work}/app.tar.gz -C ${work}/app .`);
    writeFileSync(`${work}/dump.sql`, 'CREATE TABLE IF NOT EXISTS logins (x INT);\nINSERT INTO logins VALUES (1);\n');
    sh(`mkdir -p -m 0700 /home/${site}/.hostdeck-deploy && cp ${work}/app.tar.gz ${work}/dump.sql /home/${site}/.hostdeck-deploy/ && chown -R ${site}: /home/${site}/.hostdeck-deploy`);
    writeFileSync(canary, 'canary\n');
    sh(`chmod 0666 ${canary}`);

    const base = { serverId, site, source: { kind: 'staged', archive: 'app.tar.gz' }, database: dbName, placeholderFiles: ['config.php'] };

    // Refused by the contract or the plan: nothing is queued.
    const before = (await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length;
    for (const password of CONTROL) {
      registerSecret('deploy hostile test: refused password', password);
      expect(JSON.stringify(await t.fail('deploy.run', { ...base, target: 'refused', password })), JSON.stringify(password)).toMatch(/control characters/);
    }
    for (const placeholders of [['EVIL'], ['DB_PASSWORD', 'DB_NAME}}$(id){{'], ['db_name']]) {
      expect(JSON.stringify(await t.fail('deploy.run', { ...base, target: 'refused', placeholders }))).toMatch(/placeholder is one of/);
    }
    registerSecret('deploy hostile test: refused password', `${tag}pass'word&|/`);
    expect(JSON.stringify(await t.fail('deploy.run', { ...base, target: 'refused', password: `${tag}pass'word&|/`, placeholderFiles: ['config.php', 'settings.ini'] }))).toMatch(/only go into a \.php file/);
    expect((await t.call<{ tasks: Task[] }>('queue.list', { serverId })).tasks.length).toBe(before);

    // Each hostile value: its own deploy into its own folder, all queued, then run in order; its
    // dump imported as the database's user logged in with that password (the option file).
    for (const [i, password] of HOSTILE.entries()) {
      registerSecret(`deploy hostile test: password ${i}`, password);
      const r = await t.call<{ password: string }>('deploy.run', { ...base, target: `h${i}`, password, dump: 'dump.sql' });
      expect(r.password).toBe(password);
    }
    tasks = await settleQueue(t, serverId, 120_000);
    expect(tasks.every((x) => x.status === 'done'), statuses(tasks)).toBe(true);
    expect(JSON.stringify(tasks)).not.toContain('touch');

    const php = 'foreach (array_slice($argv, 1) as $f) { $c = require $f; echo bin2hex($c["pass"]), " ", bin2hex($c["twice"]), " ", $c["user"], " ", $c["name"], " ", $c["url"], " ", $c["other"], "\\n"; }';
    const files = HOSTILE.map((_, i) => `/home/${site}/public_html/h${i}/config.php`);
    const out = sh(`php -n -r '${php}' ${files.join(' ')}`)?.trim().split('\n') ?? [];
    const hex = (v: string) => Buffer.from(v, 'utf8').toString('hex');
    expect(out).toEqual(HOSTILE.map((v) => `${hex(v)} ${hex(v + v)} ${dbUser} ${dbName} http://${host} {{NOT_OURS}}`));
    expect(readFileSync(canary, 'utf8')).toBe('canary\n');
    expect(existsSync(ran)).toBe(false);
    // The last deploy's password is the one the database user has now.
    expect(databasesAs(dbUser, HOSTILE.at(-1)!)).toContain(dbName);
    expect(mariadbRoot(`SELECT COUNT(*) FROM \`${dbName}\`.logins`).trim()).toBe(String(HOSTILE.length));
  });
});
