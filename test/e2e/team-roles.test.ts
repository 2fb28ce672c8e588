// Settings → Team → People as an admin drives it in Chromium, on the testbed's MariaDB: join the
// team as an admin login, create a support account (its statements shown first, the generated
// password shown once and working), change its role, refuse a hostile name with nothing created,
// remove the account after typing its name.
import { describe, expect, it } from 'vitest';
import { activateRole } from '../../src-main/core/team/roles';
import { registerSecret } from '../helpers/secrets';
import { teamSuite } from '../helpers/team-mariadb';
import { active, calmShot, e2eSuite, joinTeamInSettings, newPage } from './app';

const suite = e2eSuite();
const fx = teamSuite('e2e');

describe('team people in the UI', () => {
  it('creates, re-roles and removes an account, each after its statements', async () => {
    const team = fx.team;
    const admin = await team.person('admin');
    await activateRole(admin.conn, team.database);
    const app = await suite.start('e2e-team-people');
    const page = await newPage(suite.browser);
    await page.goto(app.url);
    await joinTeamInSettings(page, { workstation: 'ws-admin', host: '127.0.0.1', port: 3307, user: admin.user, password: admin.password, database: team.database });

    const people = active(page).getByRole('region', { name: 'People' });
    await people.getByTestId('team-me').getByText('admin').waitFor({ timeout: 20_000 });
    await people.locator(`tr[data-account="${admin.user}@127.0.0.1"]`).waitFor();

    // A hostile name: refused at once, nothing reaches the server.
    const before = await team.accounts();
    const form = people.getByRole('region', { name: 'New account' });
    await form.getByLabel('User name').fill("x'; DROP USER root; --");
    await form.getByLabel('Host').fill('%`;\n');
    await form.getByRole('button', { name: 'Review statements…' }).click();
    await form.locator('[data-field=user] .field-error').getByText(/letters, digits/).waitFor();
    await form.locator('[data-field=host] .field-error').waitFor();
    await calmShot(page, 'team-roles-01-hostile-refused');
    expect(await team.accounts()).toEqual(before);

    // Create a support account with a generated password.
    const user = `${team.prefix}_alice`;
    await form.getByLabel('User name').fill(user);
    await form.getByLabel('Host').fill('127.0.0.1');
    await form.getByLabel('Role').selectOption('support');
    await form.getByRole('button', { name: 'Review statements…' }).click();
    const review = people.getByRole('region', { name: 'Review change' });
    const statements = review.getByTestId('team-statements');
    await statements.getByText(/CREATE USER/).waitFor();
    const shown = (await statements.textContent()) ?? '';
    expect(shown).toContain(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '***'`);
    expect(shown).toContain(`GRANT \`hostdeck_${team.database}_support\` TO '${user}'@'127.0.0.1'`);
    await calmShot(page, 'team-roles-02-create-review');
    await review.getByRole('button', { name: 'Run these statements' }).click();
    const password = (await review.getByTestId('team-password').textContent()) ?? '';
    registerSecret('team e2e generated password', password);
    expect(password.length).toBeGreaterThanOrEqual(16);
    await calmShot(page, 'team-roles-03-created');
    // The password works, and the server gives that login the support role.
    const alice = await team.login(user, password);
    expect((await activateRole(alice.conn, team.database)).role).toBe('support');
    await review.getByRole('button', { name: 'Close' }).click();

    // Change the role to operator.
    const row = people.locator(`tr[data-account="${user}@127.0.0.1"]`);
    await row.getByRole('cell', { name: 'support', exact: true }).waitFor();
    await row.getByRole('combobox').selectOption('operator');
    await row.getByRole('button', { name: 'Change role…' }).click();
    await review.getByTestId('team-statements').getByText(/REVOKE/).waitFor();
    expect(await review.getByTestId('team-statements').textContent()).toMatch(/REVOKE `hostdeck_.*_support` FROM .*GRANT `hostdeck_.*_operator` TO .*UPDATE/s);
    await review.getByRole('button', { name: 'Run these statements' }).click();
    await review.getByRole('status').getByText(/statements ran/).waitFor();
    await review.getByRole('button', { name: 'Close' }).click();
    await row.getByRole('cell', { name: 'operator', exact: true }).waitFor();
    await calmShot(page, 'team-roles-04-operator');

    // Remove it: the name typed first.
    await row.getByRole('button', { name: 'Remove…' }).click();
    await review.getByTestId('team-statements').getByText(/DROP USER/).waitFor();
    await review.getByLabel('Confirm removal').fill(`${user}@127.0.0.1`);
    await calmShot(page, 'team-roles-05-remove-review');
    await review.getByRole('button', { name: 'Run these statements' }).click();
    await review.getByRole('status').getByText(/statements ran/).waitFor();
    await review.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => people.locator(`tr[data-account="${user}@127.0.0.1"]`).count()).toBe(0);
    expect(await team.accounts()).not.toContain(`${user}@127.0.0.1`);
  });
});
