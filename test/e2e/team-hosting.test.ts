// Sites shared in team mode, as a person sees them in Chromium: A has web1's sites open; another
// workstation (B, a second app in the same team) creates a site and changes the server's hosting
// settings; A's open window shows both without a reload. Then A edits the settings from the form
// it opened before B's change: it is shown both versions and takes B's.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostingSettings } from '../../shared/api/hosting';
import type { Server } from '../../shared/domain';
import { teamDatabase, type TestTeamDb } from '../helpers/team';
import { addTrustedWeb1, calmShot, contract, e2eSuite, newPage } from './app';

const suite = e2eSuite();
const dbs: TestTeamDb[] = [];
const tag = randomUUID().replaceAll('-', '').slice(0, 6);
const mine = `hdteama${tag}`;
const theirs = `hdteamb${tag}`;

afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
  for (const site of [mine, theirs]) {
    try {
      execFileSync('sh', ['-c', `id -u '${site}' >/dev/null 2>&1 && (pkill -KILL -u '${site}'; userdel -r '${site}')`], { stdio: 'ignore' });
    } catch {
      // absent
    }
    rmSync(`/home/${site}`, { recursive: true, force: true });
  }
});

describe('team hosting', () => {
  it("another workstation's new site and settings show in the open window; a stale settings save asks", async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const connect = { host: db.config.host, port: db.config.port, user: db.config.user, password: db.password, database: db.config.database };

    // A: web1 as root, a team made from that; the Sites view open with a site made in the UI.
    const a = await suite.start('e2e-team-hosting-a');
    const pa = await newPage(suite.browser);
    await pa.goto(a.url);
    await addTrustedWeb1(pa, suite.tb, 'root');
    await contract(pa, 'team.create', { ...connect, teamName: 'Hosting', workstation: 'ws-a' });
    await pa.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
    const view = pa.getByRole('region', { name: 'Sites of web1' });
    const newSite = view.getByRole('form', { name: 'New site' });
    await newSite.locator('[data-field=name] input').fill(mine);
    await newSite.locator('[data-field=quotaMb] input').fill('0');
    await newSite.getByRole('button', { name: 'Create site' }).click();
    await view.locator(`tr.site-row[data-site=${mine}]`).waitFor();
    // A opens the server settings form now (B changes them below).
    await view.locator('details.hosting-settings summary').click();
    const settings = view.getByRole('form', { name: 'Server settings' });

    // B: another workstation of the team, no window needed beyond its contract.
    const b = await suite.start('e2e-team-hosting-b');
    const pb = await newPage(suite.browser);
    await pb.goto(b.url);
    await contract(pb, 'team.join', { ...connect, workstation: 'ws-b' });
    const [web1] = await contract<Server[]>(pb, 'servers.list', {});
    const current = await contract<{ settings: HostingSettings; settingsVersion?: number }>(pb, 'hosting.sites', { serverId: web1!.id });
    const started = Date.now();
    await contract(pb, 'hosting.createSite', { serverId: web1!.id, name: theirs, quotaMb: 0 });
    await contract(pb, 'hosting.setSettings', { serverId: web1!.id, cron: { dir: '/etc/cron.d', runner: '/usr/local/lib/hostdeck/cron-run-b' }, baseVersion: current.settingsVersion });

    // A's window, not reloaded: B's site is listed within 2 s (the change feed), its settings summary follows.
    await view.locator(`tr.site-row[data-site=${theirs}]`).waitFor({ timeout: 2000 });
    const shownMs = Date.now() - started;
    expect(shownMs).toBeLessThan(2000);
    expect(await view.locator('tr.site-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-site')))).toEqual([mine, theirs].sort());
    await view.locator(`tr.site-row[data-site=${theirs}]`).scrollIntoViewIfNeeded();
    await calmShot(pa, 'team-hosting-01-their-site');

    // A's form was opened before B's save: saving it shows both and asks; A takes B's.
    const runner = settings.locator('[data-field="cron.runner"] input');
    await runner.fill('/usr/local/lib/hostdeck/cron-run-a');
    await settings.getByRole('button', { name: 'Save settings' }).click();
    const note = settings.getByRole('alertdialog', { name: 'Edit conflict' });
    await note.waitFor();
    expect(await note.locator('tr[data-field=cronRunner] .conflict-yours').textContent()).toBe('/usr/local/lib/hostdeck/cron-run-a');
    expect(await note.locator('tr[data-field=cronRunner] .conflict-theirs').textContent()).toBe('/usr/local/lib/hostdeck/cron-run-b');
    expect(await note.textContent()).toContain('ws-b changed this');
    await note.scrollIntoViewIfNeeded();
    await calmShot(pa, 'team-hosting-02-settings-conflict');
    await note.getByRole('button', { name: 'Take theirs' }).click();
    expect(await runner.inputValue()).toBe('/usr/local/lib/hostdeck/cron-run-b');
    expect((await contract<{ settings: HostingSettings }>(pa, 'hosting.sites', { serverId: web1!.id })).settings.cron?.runner).toBe('/usr/local/lib/hostdeck/cron-run-b');
    console.log(`team hosting e2e: B's site shown in A's window after ${shownMs} ms`);
  });
});
