// The team's people: their part of the contract.
import type { teamAdminApi } from '../../../shared/api/team-admin';
import type { HandlersFor } from '../dispatch';
import type { TeamPeople } from './people';

export function teamPeopleHandlers(people: TeamPeople): HandlersFor<typeof teamAdminApi> {
  return {
    'team.people': async () => people.people(),
    'team.setUpRoles': async () => ({ statements: await people.setUp() }),
    'team.previewPeople': async ({ change }) => ({ statements: await people.preview(change) }),
    'team.changePeople': async ({ change, confirm }) => people.change(change, confirm),
  };
}
