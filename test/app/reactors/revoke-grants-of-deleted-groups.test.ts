import { accessRequestQueries } from '../../../projections/access-requests';
import { directoryProjection } from '../../../projections/directory';
import { revokeGrantsOfDeletedGroups } from '../../../src/app/reactors/revoke-grants-of-deleted-groups';
import { SYSTEM_ACTOR } from '../../../src/domain/decider';
import {
  PARTNERS,
  REQUESTING_ACCOUNT,
  decided,
  grant,
  requestGroupAccess,
} from '../../domain/account/access-fixtures';
import { ACCOUNT, SALES_VA } from '../../domain/account/fixtures';
import { team } from '../../domain/account/groups-fixtures';
import { PROJECTED_AT, givenEvents, stored } from '../../support/projection-spec';

const granted = decided(
  decided(team, requestGroupAccess()),
  grant([{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }]),
);
const deleted = (accountId: string, groupId: string) =>
  stored([
    { type: 'GroupDeleted', data: { accountId, groupId, name: 'Partners', memberIds: [], access: [] } },
  ]);

async function reactor() {
  const { reads } = await givenEvents(directoryProjection, granted);
  return revokeGrantsOfDeletedGroups(accessRequestQueries(reads), directoryProjection.name);
}

describe('revoke the grants of deleted groups (reactor)', () => {
  test('given a group with a grant elsewhere, when it is deleted, then the granting account is told to revoke', async () => {
    const events = deleted(REQUESTING_ACCOUNT, PARTNERS);
    expect(await (await reactor()).react(events)).toEqual([
      {
        accountId: ACCOUNT,
        command: {
          type: 'RevokeDeletedGroupGrant',
          data: { groupId: PARTNERS, fromAccountId: REQUESTING_ACCOUNT },
          metadata: { actor: SYSTEM_ACTOR, at: PROJECTED_AT, correlationId: null },
        },
      },
    ]);
  });

  test('a deleted group without grants, or other events, cause nothing', async () => {
    const r = await reactor();
    expect(await r.react(deleted(REQUESTING_ACCOUNT, 'g-other'))).toEqual([]);
    expect(await r.react(deleted(ACCOUNT, PARTNERS))).toEqual([]);
    expect(await r.react(stored(granted))).toEqual([]);
  });
});
