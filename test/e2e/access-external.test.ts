import { startTestApp, type GraphQLResponse, type TestApp } from '../support/app-harness';
import { waitUntil } from '../support/temp';
import {
  ACCESS_REQUEST,
  CREATE_GROUP,
  ACCOUNT_REQUESTS,
  DELETE_GROUP,
  EDIT_MEMBERS,
  GRANT,
  GRANT_FIELDS,
  REQUEST_GROUP_ACCESS,
  REVOKE,
  approve,
  createGroup,
  myRoles,
  type GrantView,
  type RequestView,
} from './access-fixtures';
import {
  accountEvents,
  accountRole,
  addUsersOk,
  appendedDuring,
  createAccount,
  dataOf,
  errorOf,
  signInAll,
} from './accounts-fixtures';

const GROUP_GRANTS = `query ($id: ID!, $groupId: ID!) {
  smartAccount(id: $id) { group(id: $groupId) { grantsElsewhere { ${GRANT_FIELDS} } } }
}`;
const EXTERNAL_GROUPS = `query ($id: ID!) { smartAccount(id: $id) { externalGroups { ${GRANT_FIELDS} } } }`;
const MY_ACCOUNTS = `{ mySmartAccounts { id } }`;

/** The lookup ID as someone might type it from the email: lower case, dashes moved or dropped. */
const retyped = (lookupId: string): string =>
  lookupId
    .replace(/-/g, '')
    .toLowerCase()
    .replace(/(..)(?=.)/g, '$1-');

describe('external group access end to end', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let a: Awaited<ReturnType<typeof createAccount>>;
  let b: Awaited<ReturnType<typeof createAccount>>;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await signInAll(t, ['alice', 'bruno', 'mia', 'max', 'nina', 'stranger']);
    // A: alice's, with mia, max and nina as viewers. B: bruno's.
    a = await createAccount(t, tokens.alice, 'Alpha', 'ext-alpha.example');
    b = await createAccount(t, tokens.bruno, 'Beta', 'ext-beta.example');
    await addUsersOk(t, tokens.alice, a.id, ['mia', 'max', 'nina'], [accountRole('SMART_ACCOUNT_VIEWER')]);
  });
  afterAll(() => t.stop());

  const requestGroupAccess = (token: string, groupId: string, domainIdentifier = 'ext-beta.example') =>
    t.gql<{ requestGroupAccess: RequestView }>(token, REQUEST_GROUP_ACCESS, {
      input: { accountId: a.id, groupId, domainIdentifier, reason: 'Our auditors need Beta' },
    });

  const grant = (token: string, lookupId: string, role = 'VIRTUAL_ACCOUNT_VIEWER') =>
    t.gql<{ grantExternalGroupAccess: GrantView }>(token, GRANT, {
      input: {
        accountId: b.id,
        lookupId,
        access: [{ virtualAccountId: b.defaultVaId, role }],
        message: 'Granted',
      },
    });

  const readsB = async (user: string) => (await myRoles(t, tokens[user], b.id)) !== null;
  const myAccountIds = async (user: string) =>
    dataOf(await t.gql<{ mySmartAccounts: Array<{ id: string }> }>(tokens[user], MY_ACCOUNTS))
      .mySmartAccounts.map((account) => account.id)
      .sort();
  const externalGroups = async () =>
    dataOf(
      await t.gql<{ smartAccount: { externalGroups: GrantView[] } }>(tokens.bruno, EXTERNAL_GROUPS, {
        id: b.id,
      }),
    ).smartAccount.externalGroups;
  const grantsElsewhere = async (groupId: string) =>
    dataOf(
      await t.gql<{ smartAccount: { group: { grantsElsewhere: GrantView[] } | null } }>(
        tokens.alice,
        GROUP_GRANTS,
        {
          id: a.id,
          groupId,
        },
      ),
    ).smartAccount.group?.grantsElsewhere;

  /** A group of A with `members` that was granted VIRTUAL_ACCOUNT_VIEWER on B's Default Virtual Account. */
  async function grantedGroup(name: string, members: string[]): Promise<string> {
    const groupId = await createGroup(t, tokens.alice, { accountId: a.id, name, memberUserIds: members });
    const request = dataOf(await requestGroupAccess(tokens.alice, groupId)).requestGroupAccess;
    dataOf(await grant(tokens.bruno, request.lookupId));
    return groupId;
  }

  /** A refused mutation: its error, after checking that it appended nothing. */
  async function refused(send: () => Promise<GraphQLResponse<unknown>>) {
    let response: GraphQLResponse<unknown> | undefined;
    const appended = await appendedDuring(t, async () => {
      response = await send();
    });
    expect(appended).toEqual([]);
    if (response === undefined) throw new Error('no response');
    return errorOf(response);
  }

  test('a group requests access, B’s admin grants it by lookup ID, and the group’s members can read B', async () => {
    const groupId = await createGroup(t, tokens.alice, {
      accountId: a.id,
      name: 'Auditors',
      memberUserIds: ['mia', 'max'],
    });
    expect(await readsB('mia')).toBe(false);

    const request = dataOf(
      await requestGroupAccess(tokens.alice, groupId, 'EXT-BETA.example'),
    ).requestGroupAccess;
    expect(request).toMatchObject({
      kind: 'GROUP',
      status: 'PENDING',
      requester: { userId: 'alice' },
      requestingGroupId: groupId,
      requestingAccountId: a.id,
      accountId: b.id,
      accountName: 'Beta',
    });
    expect(request.lookupId).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);

    // B's admin finds it among B's requests, with the lookup ID.
    const pending = dataOf(
      await t.gql<{ smartAccount: { accessRequests: { nodes: RequestView[] } } }>(
        tokens.bruno,
        ACCOUNT_REQUESTS,
        {
          id: b.id,
          status: 'PENDING',
        },
      ),
    ).smartAccount.accessRequests.nodes;
    expect(pending).toEqual([
      expect.objectContaining({
        id: request.id,
        kind: 'GROUP',
        lookupId: request.lookupId,
        requestingGroupId: groupId,
      }),
    ]);

    // A GROUP request is granted with grantExternalGroupAccess, not approved with roles.
    const viaApprove = await refused(() =>
      approve(t, tokens.bruno, request.id, [accountRole('SMART_ACCOUNT_VIEWER')]),
    );
    expect(viaApprove.code).toBe('BAD_USER_INPUT');
    // Only B's admins grant: A's admin cannot even see B; an unknown lookup ID is NOT_FOUND.
    expect((await refused(() => grant(tokens.alice, request.lookupId))).code).toBe('NOT_FOUND');
    expect((await refused(() => grant(tokens.bruno, 'ZZZZZ-ZZZZZ'))).code).toBe('NOT_FOUND');

    const typed = retyped(request.lookupId);
    expect(typed).not.toBe(request.lookupId);
    const granted = dataOf(await grant(tokens.bruno, typed)).grantExternalGroupAccess;
    const expectedGrant = {
      groupId,
      groupName: 'Auditors',
      fromAccountId: a.id,
      fromAccountName: 'Alpha',
      toAccountId: b.id,
      toAccountName: 'Beta',
      access: [{ virtualAccount: { id: b.defaultVaId }, role: 'VIRTUAL_ACCOUNT_VIEWER' }],
      grantedBy: 'bruno',
    };
    expect(granted).toEqual(expectedGrant);
    // The request is approved; a second grant with the same lookup ID is a CONFLICT.
    const after = dataOf(
      await t.gql<{ accessRequest: RequestView }>(tokens.alice, ACCESS_REQUEST, { id: request.id }),
    ).accessRequest;
    expect(after).toMatchObject({
      status: 'APPROVED',
      decidedBy: 'bruno',
      decisionMessage: 'Granted',
      grantedRoles: [{ role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccount: { id: b.defaultVaId } }],
    });
    expect((await refused(() => grant(tokens.bruno, request.lookupId.toLowerCase()))).code).toBe('CONFLICT');

    // A member of the group reads B, through the group.
    for (const member of ['mia', 'max']) {
      expect(await myRoles(t, tokens[member], b.id)).toEqual([
        {
          role: 'VIRTUAL_ACCOUNT_VIEWER',
          virtualAccount: { id: b.defaultVaId },
          viaGroup: { id: groupId, name: 'Auditors' },
        },
      ]);
      expect(await myAccountIds(member)).toEqual([a.id, b.id].sort());
    }
    // Someone of A outside the group does not.
    expect(await readsB('nina')).toBe(false);
    expect(await myAccountIds('nina')).toEqual([a.id]);

    expect(await externalGroups()).toEqual([expectedGrant]);
    expect(await grantsElsewhere(groupId)).toEqual([expectedGrant]);

    // Leaving the group ends the access on the very next request.
    dataOf(await t.gql(tokens.alice, EDIT_MEMBERS, { input: { accountId: a.id, groupId, remove: ['mia'] } }));
    expect(await readsB('mia')).toBe(false);
    expect(await myAccountIds('mia')).toEqual([a.id]);
    expect(await readsB('max')).toBe(true);
    // Joining it gives it.
    dataOf(await t.gql(tokens.alice, EDIT_MEMBERS, { input: { accountId: a.id, groupId, add: ['nina'] } }));
    expect(await readsB('nina')).toBe(true);

    // Revoking ends it for everyone in the group.
    const revoked = await appendedDuring(t, async () => {
      expect(dataOf(await t.gql(tokens.bruno, REVOKE, { input: { accountId: b.id, groupId } }))).toEqual({
        revokeExternalGroupAccess: groupId,
      });
    });
    expect(revoked.map((e) => [e.type, e.data.reason])).toEqual([['ExternalGroupAccessRevoked', 'REVOKED']]);
    expect(await readsB('max')).toBe(false);
    expect(await readsB('nina')).toBe(false);
    expect(await myAccountIds('max')).toEqual([a.id]);
    expect(await externalGroups()).toEqual([]);
    expect(await grantsElsewhere(groupId)).toEqual([]);
    expect(
      (await refused(() => t.gql(tokens.bruno, REVOKE, { input: { accountId: b.id, groupId } }))).code,
    ).toBe('NOT_FOUND');
  });

  test('deleting the group revokes its grants: GROUP_DELETED in B’s history, access ends at once', async () => {
    const groupId = await grantedGroup('Temporary', ['max']);
    expect(await readsB('max')).toBe(true);
    const grantedIds = async () => (await externalGroups()).map((g) => g.groupId);
    expect(await grantedIds()).toContain(groupId);

    dataOf(await t.gql(tokens.alice, DELETE_GROUP, { input: { accountId: a.id, groupId } }));
    expect(await readsB('max')).toBe(false);
    expect(await myAccountIds('max')).toEqual([a.id]);

    const revokedInB = async () =>
      accountEvents(await t.allEvents(), b.id).filter(
        (e) => e.type === 'ExternalGroupAccessRevoked' && e.data.groupId === groupId,
      );
    await waitUntil(async () => (await revokedInB()).length > 0, 5000);
    const [revoked] = await revokedInB();
    expect(revoked.data).toMatchObject({ reason: 'GROUP_DELETED', fromAccountId: a.id, accountId: b.id });
    expect(await grantedIds()).not.toContain(groupId);
    expect(await revokedInB()).toHaveLength(1);
  });

  test('a member who reads B through a granted group is FORBIDDEN, not told B does not exist, when changing it', async () => {
    await grantedGroup('Readers', ['nina']);
    expect(await readsB('nina')).toBe(true);
    const error = await refused(() =>
      t.gql(tokens.nina, CREATE_GROUP, { input: { accountId: b.id, name: 'Intruders' } }),
    );
    expect(error.code).toBe('FORBIDDEN');
  });

  test('only an admin of the group’s own account may request access for it', async () => {
    const groupId = await createGroup(t, tokens.alice, {
      accountId: a.id,
      name: 'Requesters',
      memberUserIds: ['mia'],
    });
    // mia may read A (a viewer), so she is FORBIDDEN; those who may not read A are told it does not exist.
    expect((await refused(() => requestGroupAccess(tokens.mia, groupId))).code).toBe('FORBIDDEN');
    expect((await refused(() => requestGroupAccess(tokens.bruno, groupId))).code).toBe('NOT_FOUND');
    expect((await refused(() => requestGroupAccess(tokens.stranger, groupId))).code).toBe('NOT_FOUND');
    // Its admin may, but not for a group that does not exist, nor to an unknown account or A itself.
    expect((await refused(() => requestGroupAccess(tokens.alice, 'no-such-group'))).code).toBe('NOT_FOUND');
    expect((await refused(() => requestGroupAccess(tokens.alice, groupId, 'nowhere.example'))).code).toBe(
      'NOT_FOUND',
    );
    expect((await refused(() => requestGroupAccess(tokens.alice, groupId, 'ext-alpha.example'))).code).toBe(
      'BAD_USER_INPUT',
    );
    const request = dataOf(await requestGroupAccess(tokens.alice, groupId)).requestGroupAccess;
    // One pending request per group and account.
    const again = await t.gql(tokens.alice, REQUEST_GROUP_ACCESS, {
      input: { accountId: a.id, groupId, domainIdentifier: 'ext-beta.example', reason: 'again' },
    });
    expect(errorOf(again).code).toBe('CONFLICT');
    expect(again.errors?.[0].extensions?.requestId).toBe(request.id);
  });
});
