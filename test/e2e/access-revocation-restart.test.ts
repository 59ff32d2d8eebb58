import { CommandHandler } from '../../src/app/command-handler';
import { openEventStore } from '../../src/app/event-store';
import { accountDecider, accountStreamId } from '../../src/domain/account';
import { startTestApp, type TestApp } from '../support/app-harness';
import { tempDir, waitUntil } from '../support/temp';
import {
  GRANT,
  REQUEST_GROUP_ACCESS,
  createGroup,
  myRoles,
  type GrantView,
  type RequestView,
} from './access-fixtures';
import {
  accountEvents,
  accountRole,
  addUsersOk,
  createAccount,
  dataOf,
  signInAll,
} from './accounts-fixtures';

describe('a group deleted just before a crash', () => {
  const data = tempDir('saas-restart-');
  let t: TestApp | null = null;
  afterAll(async () => {
    await t?.stop();
    data.remove();
  });

  test('has its grants revoked when the server starts again', async () => {
    t = await startTestApp({}, { dataDir: data.dir });
    const tokens = await signInAll(t, ['alice', 'bruno', 'mia']);
    const a = await createAccount(t, tokens.alice, 'Alpha', 'restart-alpha.example');
    const b = await createAccount(t, tokens.bruno, 'Beta', 'restart-beta.example');
    await addUsersOk(t, tokens.alice, a.id, ['mia'], [accountRole('SMART_ACCOUNT_VIEWER')]);
    const groupId = await createGroup(t, tokens.alice, {
      accountId: a.id,
      name: 'Auditors',
      memberUserIds: ['mia'],
    });
    const request = dataOf(
      await t.gql<{ requestGroupAccess: RequestView }>(tokens.alice, REQUEST_GROUP_ACCESS, {
        input: { accountId: a.id, groupId, domainIdentifier: 'restart-beta.example', reason: 'Audit' },
      }),
    ).requestGroupAccess;
    dataOf(
      await t.gql<{ grantExternalGroupAccess: GrantView }>(tokens.bruno, GRANT, {
        input: {
          accountId: b.id,
          lookupId: request.lookupId,
          access: [{ virtualAccountId: b.defaultVaId, role: 'VIRTUAL_ACCOUNT_VIEWER' }],
        },
      }),
    );
    expect(await myRoles(t, tokens.mia, b.id)).not.toBeNull();
    const { config } = t;
    await t.stop();
    t = null;

    // The deletion reaches the log, but no server is there to revoke the grant it held in B.
    const store = openEventStore(config);
    await new CommandHandler(store).execute(accountDecider, accountStreamId(a.id), {
      type: 'DeleteUserGroup',
      data: { groupId },
      metadata: {
        actor: { userId: 'alice', platformRoles: [], supportCaseId: null },
        at: new Date().toISOString(),
      },
    });
    await store.close();

    t = await startTestApp({}, { dataDir: data.dir });
    const restarted = t;
    const revocations = async () =>
      accountEvents(await restarted.allEvents(), b.id).filter(
        (event) => event.type === 'ExternalGroupAccessRevoked',
      );
    await waitUntil(async () => (await revocations()).length > 0);
    expect((await revocations()).map((event) => event.data)).toEqual([
      expect.objectContaining({ groupId, fromAccountId: a.id, reason: 'GROUP_DELETED' }),
    ]);
    expect(await myRoles(restarted, await restarted.token('mia'), b.id)).toBeNull();
  });
});
