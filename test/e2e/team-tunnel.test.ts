// Team mode through an SSH tunnel, as a user does it in Chromium: a solo workstation with web1
// creates a team choosing "Through server web1" in Settings → Team (the database's address as
// web1 sees it); the status says the route and the team's data is there; the route is changed to
// "Directly" and the status follows.
import { afterAll, describe, expect, it } from 'vitest';
import type { TeamStatus } from '../../shared/api/team';
import { teamDatabase, type TestTeamDb } from '../helpers/team';
import { active, addTrustedWeb1, calmShot, contract, e2eSuite, newPage } from './app';

const suite = e2eSuite();
const dbs: TestTeamDb[] = [];
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
});

describe('team settings: the route to the database', () => {
  it('create a team through web1\'s SSH tunnel, then switch to direct', async () => {
    const db = await teamDatabase();
    dbs.push(db);
    const a = await suite.start('e2e-team-tunnel');
    const page = await newPage(suite.browser);
    await page.goto(a.url);
    await addTrustedWeb1(page, suite.tb);
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const team = active(page).getByRole('region', { name: 'Team' });
    await team.locator('[data-mode=solo]').waitFor();

    await team.locator('input[name=teamName]').fill('Tunnelled');
    await team.locator('input[name=workstation]').fill('ws-tunnel');
    await team.locator('select[name=tunnelServerId]').selectOption({ label: 'Through server web1 (SSH tunnel)' });
    await team.getByText('Host and port as that server sees them').waitFor();
    await team.locator('input[name=host]').fill('127.0.0.1');
    await team.locator('input[name=port]').fill(String(db.config.port));
    await team.locator('input[name=user]').fill(db.config.user);
    await team.locator('input[name=password]').fill(db.password);
    await team.locator('input[name=database]').fill(db.config.database);
    await calmShot(page, 'team-tunnel-01-create-through-web1');
    await team.getByRole('button', { name: 'Create team' }).click();
    await team.locator('[data-mode=team] [data-connected=true]').waitFor();
    expect(await team.locator('[data-route]').textContent()).toBe('through web1 (SSH tunnel)');
    const status = await contract<TeamStatus>(page, 'team.status', {});
    expect(status.team?.via?.name).toBe('web1');
    const route = team.getByRole('form', { name: 'Route to the team database' });
    expect(await route.locator('select[name=tunnelServerId]').inputValue()).toBe(status.team!.via!.serverId);
    await calmShot(page, 'team-tunnel-02-created');

    await route.locator('select[name=tunnelServerId]').selectOption({ label: 'Directly' });
    await route.getByRole('button', { name: 'Use this route' }).click();
    await team.getByText('The team database is now reached directly.').waitFor();
    await team.locator('[data-route=direct]').waitFor();
    await team.locator('[data-mode=team] [data-connected=true]').waitFor();
    await page.getByRole('navigation', { name: 'Fleet' }).getByRole('button', { name: /web1/ }).waitFor();
    await calmShot(page, 'team-tunnel-03-direct');
  });
});
