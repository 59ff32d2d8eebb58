import { accountQueries } from '../../projections/accounts';
import { directoryProjection } from '../../projections/directory';
import type { ProfileEvent } from '../../src/domain/profile/events';
import { ACCOUNT, DEFAULT_VA, OPS_VA, SALES_VA, at, on, whole } from '../domain/account/fixtures';
import { decided } from '../domain/account/access-fixtures';
import { removeUser, team } from '../domain/account/groups-fixtures';
import { givenEvents } from '../support/projection-spec';

const profile = (userId: string, name: string): ProfileEvent => ({
  type: 'ProfileRegistered',
  data: { userId, email: `${userId}@example.com`, name, company: null, registeredAt: at },
});
const people = [profile('bob', 'Bob Stone'), profile('carol', 'Carol King'), profile('dave', 'Dave Stone')];

describe('accounts projection', () => {
  test('the account document lists its Virtual Accounts in the order they were created', async () => {
    const { reads } = await givenEvents(directoryProjection, team);
    expect(await accountQueries(reads).account(ACCOUNT)).toEqual({
      id: ACCOUNT,
      name: 'Acme',
      domainIdentifier: 'acme.com',
      createdAt: at,
      virtualAccounts: [
        { id: DEFAULT_VA, name: 'Default', description: null, isDefault: true, createdAt: at },
        { id: SALES_VA, name: 'Sales', description: null, isDefault: false, createdAt: at },
        { id: OPS_VA, name: 'Ops', description: null, isDefault: false, createdAt: at },
      ],
      userSeq: 4,
      groupSeq: 1,
    });
  });

  test('users keep their direct roles and groups; each user knows their accounts', async () => {
    const { reads } = await givenEvents(directoryProjection, [...people, ...team]);
    const accounts = accountQueries(reads);
    expect(await accounts.user(ACCOUNT, 'bob')).toMatchObject({
      userId: 'bob',
      directRoles: [whole('SMART_ACCOUNT_VIEWER')],
      groupIds: ['g-sales'],
      addedBy: 'alice',
    });
    expect(await accounts.user(ACCOUNT, 'dave')).toMatchObject({
      directRoles: [on('VIRTUAL_ACCOUNT_ADMIN', SALES_VA)],
      groupIds: [],
    });
    expect(await accounts.accountIdsOf('carol')).toEqual([ACCOUNT]);
    expect(await accounts.accountIdsOf('zoe')).toEqual([]);
    expect(await accounts.group(ACCOUNT, 'g-sales')).toMatchObject({
      name: 'Sales team',
      memberIds: ['bob', 'carol'],
      access: [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' }],
    });
  });

  test('the users page is in the order users were added and searches word prefixes of ID, name and email', async () => {
    const { reads } = await givenEvents(directoryProjection, [...people, ...team]);
    const page = (search: string | null, afterSeq?: number) =>
      accountQueries(reads).usersPage(ACCOUNT, { search, afterSeq, size: 2 });
    expect(await page(null)).toEqual({
      items: [
        { id: 'alice', seq: 1 },
        { id: 'bob', seq: 2 },
        { id: 'carol', seq: 3 },
      ],
      totalCount: 4,
    });
    expect((await page(null, 2)).items.map((item) => item.id)).toEqual(['carol', 'dave']);
    expect((await page('sto')).items.map((item) => item.id)).toEqual(['bob', 'dave']);
    expect((await page('stone d')).items.map((item) => item.id)).toEqual(['dave']);
    expect((await page('king')).totalCount).toBe(1);
  });

  test('removing a user takes them out of the list, the search and their groups', async () => {
    const { reads } = await givenEvents(directoryProjection, [
      ...people,
      ...decided(team, removeUser('bob')),
    ]);
    const accounts = accountQueries(reads);
    expect(await accounts.user(ACCOUNT, 'bob')).toBeUndefined();
    expect(await accounts.accountIdsOf('bob')).toEqual([]);
    expect((await accounts.usersPage(ACCOUNT, { search: 'bob', size: 10 })).items).toEqual([]);
    expect((await accounts.group(ACCOUNT, 'g-sales'))?.memberIds).toEqual(['carol']);
  });
});
