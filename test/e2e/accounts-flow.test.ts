import { randomUUID } from 'node:crypto';
import { codeOf, startTestApp, type TestApp } from '../support/app-harness';
import {
  ACCOUNT_FIELDS,
  CREATE_ACCOUNT,
  CREATE_VIRTUAL_ACCOUNT,
  REMOVE_USER,
  SET_USER_ROLES,
  USER,
  USERS_PAGE,
  accountEvents,
  accountRole,
  addUsers,
  addUsersOk,
  allUserIds,
  appendedDuring,
  createAccount,
  createVirtualAccount,
  dataOf,
  errorOf,
  eventCount,
  signInAll,
  usersPage,
  vaRole,
  type AccountView,
  type RoleView,
} from './accounts-fixtures';

describe('Smart Accounts, Virtual Accounts, users and roles over HTTP', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let alice: string;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await signInAll(t, ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace']);
    alice = tokens.alice;
  });
  afterAll(() => t.stop());

  describe('createSmartAccount', () => {
    test('creates a Default Virtual Account and makes the creator its SMART_ACCOUNT_ADMIN', async () => {
      let account: (AccountView & { myRoles: unknown }) | null = null;
      const appended = await appendedDuring(t, async () => {
        const response = await t.gql<{ createSmartAccount: AccountView & { myRoles: unknown } }>(
          alice,
          CREATE_ACCOUNT,
          { input: { name: '  Acme Corp ', domainIdentifier: ' Acme.example ' } },
        );
        account = dataOf(response).createSmartAccount;
      });
      if (account === null) throw new Error('not created');
      const { id: accountId } = account;
      expect(account).toMatchObject({
        name: 'Acme Corp',
        domainIdentifier: 'Acme.example',
        virtualAccounts: [{ name: 'Default', isDefault: true, description: null }],
        myRoles: [{ role: 'SMART_ACCOUNT_ADMIN', virtualAccount: null, viaGroup: null }],
      });
      // The account's own stream (other bookkeeping, such as reserving the identifier, may come too).
      expect(accountEvents(appended, accountId).map((event) => event.type)).toEqual([
        'SmartAccountCreated',
        'VirtualAccountCreated',
        'UserAdded',
      ]);
      const created = appended.find((event) => event.type === 'SmartAccountCreated');
      expect(created?.metadata.actorId).toBe('alice');
      expect(created?.metadata.correlationId).toEqual(expect.any(String));

      // Read-your-writes: the very next queries see the account.
      const read = await t.gql<{
        smartAccount: unknown;
        mySmartAccounts: unknown;
        searchSmartAccounts: unknown;
      }>(
        alice,
        `query ($id: ID!) {
          smartAccount(id: $id) { ${ACCOUNT_FIELDS} }
          mySmartAccounts { id }
          searchSmartAccounts(query: "acme") { id }
        }`,
        { id: accountId },
      );
      expect(dataOf(read)).toEqual({
        smartAccount: expect.objectContaining({
          id: accountId,
          myRoles: [{ role: 'SMART_ACCOUNT_ADMIN', virtualAccount: null, viaGroup: null }],
        }),
        mySmartAccounts: [{ id: accountId }],
        searchSmartAccounts: [{ id: accountId }],
      });
      const admins = dataOf(
        await t.gql<{ smartAccount: { user: { directRoles: RoleView[] } } }>(alice, USER, {
          id: accountId,
          userId: 'alice',
        }),
      );
      expect(admins.smartAccount.user.directRoles).toEqual([
        { role: 'SMART_ACCOUNT_ADMIN', virtualAccount: null },
      ]);
    });

    test('searchSmartAccounts matches name or domain identifier, case-insensitively, among my accounts only', async () => {
      const mine = await createAccount(t, alice, 'Zebra Holdings', 'zebra-holdings.example');
      const theirs = await createAccount(t, tokens.grace, 'Zebra Rival', 'zebra-rival.example');
      const search = async (query: string) =>
        dataOf(
          await t.gql<{ searchSmartAccounts: Array<{ id: string }> }>(
            alice,
            'query ($q: String!) { searchSmartAccounts(query: $q) { id } }',
            { q: query },
          ),
        ).searchSmartAccounts.map((account) => account.id);
      expect(await search('ZEBRA')).toEqual([mine.id]);
      expect(await search('Holdings')).toEqual([mine.id]);
      expect(await search('ZEBRA-HOLDINGS.example')).toEqual([mine.id]);
      expect(await search('rival')).toEqual([]);
      expect(await search('zzz-nothing')).toEqual([]);
      const graceMine = dataOf(
        await t.gql<{ mySmartAccounts: Array<{ id: string }> }>(tokens.grace, '{ mySmartAccounts { id } }'),
      );
      expect(graceMine.mySmartAccounts).toEqual([{ id: theirs.id }]);
    });

    test('a taken domain identifier (any case) is a CONFLICT and appends nothing', async () => {
      await createAccount(t, alice, 'Taken', 'taken.example');
      const before = await eventCount(t);
      const response = await t.gql(tokens.bob, CREATE_ACCOUNT, {
        input: { name: 'Again', domainIdentifier: 'TAKEN.Example' },
      });
      expect(codeOf(response)).toBe('CONFLICT');
      expect(await eventCount(t)).toBe(before);
    });

    test('bad names and domain identifiers are BAD_USER_INPUT with the field, and append nothing', async () => {
      const before = await eventCount(t);
      for (const [input, field] of [
        [{ name: '   ', domainIdentifier: 'ok-name.example' }, 'name'],
        [{ name: 'x'.repeat(101), domainIdentifier: 'ok-name.example' }, 'name'],
        [{ name: '😀'.repeat(101), domainIdentifier: 'ok-name.example' }, 'name'],
        [{ name: 'Fine', domainIdentifier: 'not a domain' }, 'domainIdentifier'],
        [{ name: 'Fine', domainIdentifier: 'nodot' }, 'domainIdentifier'],
      ] as const) {
        const response = await t.gql(alice, CREATE_ACCOUNT, { input });
        expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      expect(await eventCount(t)).toBe(before);
      // The identifier was not reserved by the failed attempts; 100 characters (not UTF-16 units) is fine.
      const fine = await createAccount(t, alice, '😀'.repeat(100), 'ok-name.example');
      expect(fine.name).toBe('😀'.repeat(100));
    });

    test('anonymous callers are UNAUTHENTICATED', async () => {
      const response = await t.gql(null, CREATE_ACCOUNT, {
        input: { name: 'Anon', domainIdentifier: 'anon.example' },
      });
      expect(codeOf(response)).toBe('UNAUTHENTICATED');
    });
  });

  describe('createVirtualAccount', () => {
    test('adds a Virtual Account, seen at once by the next query', async () => {
      const account = await createAccount(t, alice, 'VA Test', 'va-test.example');
      const response = await t.gql<{ createVirtualAccount: unknown }>(alice, CREATE_VIRTUAL_ACCOUNT, {
        input: { accountId: account.id, name: ' Sales ', description: 'EMEA sales' },
      });
      const created = dataOf(response).createVirtualAccount;
      expect(created).toEqual({
        id: expect.any(String),
        name: 'Sales',
        description: 'EMEA sales',
        isDefault: false,
      });
      const read = dataOf(
        await t.gql<{ smartAccount: { virtualAccounts: Array<{ name: string; isDefault: boolean }> } }>(
          alice,
          'query ($id: ID!) { smartAccount(id: $id) { virtualAccounts { name isDefault } } }',
          { id: account.id },
        ),
      );
      expect(read.smartAccount.virtualAccounts).toEqual([
        { name: 'Default', isDefault: true },
        { name: 'Sales', isDefault: false },
      ]);
      const before = await eventCount(t);
      const again = await t.gql(alice, CREATE_VIRTUAL_ACCOUNT, {
        input: { accountId: account.id, name: 'SALES' },
      });
      expect(codeOf(again)).toBe('CONFLICT');
      const blank = await t.gql(alice, CREATE_VIRTUAL_ACCOUNT, {
        input: { accountId: account.id, name: ' ' },
      });
      expect(errorOf(blank)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
      expect(await eventCount(t)).toBe(before);
    });
  });

  describe('addUsers (typed in)', () => {
    test('reports ADDED, ALREADY_MEMBER, NOT_FOUND, INVALID and DUPLICATE_IN_BATCH per entry, in input order', async () => {
      const account = await createAccount(t, alice, 'Add Test', 'add-test.example');
      const roles = [accountRole('SMART_ACCOUNT_VIEWER')];
      let payload: Awaited<ReturnType<typeof addUsers>> = { status: 0 };
      const appended = await appendedDuring(t, async () => {
        payload = await addUsers(t, alice, {
          accountId: account.id,
          users: [
            'bob',
            'alice',
            'nobody-here',
            'not valid!',
            'BOB@example.com',
            'carol@Example.COM',
            'carol',
            'bob',
            '',
            'ghost@example.com',
          ],
          roles,
        });
      });
      const { addUsers: result } = dataOf(payload);
      expect(result.dryRun).toBe(false);
      expect(result.addedCount).toBe(2);
      expect(result.results.map(({ input, line, outcome }) => ({ input, line, outcome }))).toEqual([
        { input: 'bob', line: null, outcome: 'ADDED' },
        { input: 'alice', line: null, outcome: 'ALREADY_MEMBER' },
        { input: 'nobody-here', line: null, outcome: 'NOT_FOUND' },
        { input: 'not valid!', line: null, outcome: 'INVALID' },
        { input: 'BOB@example.com', line: null, outcome: 'DUPLICATE_IN_BATCH' },
        { input: 'carol@Example.COM', line: null, outcome: 'ADDED' },
        { input: 'carol', line: null, outcome: 'DUPLICATE_IN_BATCH' },
        { input: 'bob', line: null, outcome: 'DUPLICATE_IN_BATCH' },
        { input: '', line: null, outcome: 'INVALID' },
        { input: 'ghost@example.com', line: null, outcome: 'NOT_FOUND' },
      ]);
      const [bob, , , invalid, , carol] = result.results;
      expect(bob.user).toEqual({
        profile: { userId: 'bob' },
        directRoles: [{ role: 'SMART_ACCOUNT_VIEWER', virtualAccount: null }],
      });
      expect(carol.user?.profile.userId).toBe('carol');
      expect(invalid.message).toEqual(expect.any(String));
      for (const other of result.results.filter(
        (r) => r.outcome !== 'ADDED' && r.outcome !== 'ALREADY_MEMBER',
      )) {
        expect(other.user).toBeNull();
      }
      // The creator's roles were left alone.
      expect(result.results[1].user?.directRoles).toEqual([
        { role: 'SMART_ACCOUNT_ADMIN', virtualAccount: null },
      ]);

      const added = appended.filter((event) => event.type === 'UserAdded');
      expect(added.map((event) => event.data.userId)).toEqual(['bob', 'carol']);
      for (const event of added) {
        expect(event.data).toMatchObject({ accountId: account.id, roles, notify: true, addedBy: 'alice' });
        expect(event.metadata.actorId).toBe('alice');
        expect(event.metadata.supportCaseId).toBeNull();
      }
      // Read-your-writes.
      expect(await allUserIds(t, alice, account.id)).toEqual(['alice', 'bob', 'carol']);
      const bobsAccounts = dataOf(
        await t.gql<{ mySmartAccounts: Array<{ id: string }> }>(tokens.bob, '{ mySmartAccounts { id } }'),
      );
      expect(bobsAccounts.mySmartAccounts).toEqual([{ id: account.id }]);
    });

    test('an entry of nothing but unknown users appends no event', async () => {
      const account = await createAccount(t, alice, 'Nobody', 'nobody.example');
      const appended = await appendedDuring(t, async () => {
        const { addUsers: result } = dataOf(
          await addUsers(t, alice, {
            accountId: account.id,
            users: ['unknown-1', 'alice'],
            roles: [accountRole('SMART_ACCOUNT_USER')],
          }),
        );
        expect(result.results.map((r) => r.outcome)).toEqual(['NOT_FOUND', 'ALREADY_MEMBER']);
        expect(result.addedCount).toBe(0);
      });
      expect(appended).toEqual([]);
    });

    test('notify is recorded on each UserAdded event', async () => {
      const account = await createAccount(t, alice, 'Notify', 'notify.example');
      const quiet = await appendedDuring(t, async () => {
        dataOf(
          await addUsers(t, alice, {
            accountId: account.id,
            users: ['bob'],
            roles: [accountRole('SMART_ACCOUNT_VIEWER')],
            notify: false,
          }),
        );
      });
      const loud = await appendedDuring(t, async () => {
        dataOf(
          await addUsers(t, alice, {
            accountId: account.id,
            users: ['carol'],
            roles: [accountRole('SMART_ACCOUNT_VIEWER')],
            notify: true,
          }),
        );
      });
      expect(quiet.filter((e) => e.type === 'UserAdded').map((e) => e.data.notify)).toEqual([false]);
      expect(loud.filter((e) => e.type === 'UserAdded').map((e) => e.data.notify)).toEqual([true]);
    });

    test('dryRun reports WOULD_ADD and appends nothing; the real run then adds', async () => {
      const account = await createAccount(t, alice, 'Dry', 'dry.example');
      const input = {
        accountId: account.id,
        users: ['dave', 'alice', 'dave@example.com', 'nope-nope'],
        roles: [vaRole('VIRTUAL_ACCOUNT_USER', account.defaultVaId)],
      };
      const appended = await appendedDuring(t, async () => {
        const { addUsers: dry } = dataOf(await addUsers(t, alice, { ...input, dryRun: true }));
        expect(dry.dryRun).toBe(true);
        expect(dry.addedCount).toBe(0);
        expect(dry.results.map((r) => r.outcome)).toEqual([
          'WOULD_ADD',
          'ALREADY_MEMBER',
          'DUPLICATE_IN_BATCH',
          'NOT_FOUND',
        ]);
        expect(dry.results[0].user).toBeNull();
      });
      expect(appended).toEqual([]);
      expect(await allUserIds(t, alice, account.id)).toEqual(['alice']);

      const { addUsers: real } = dataOf(await addUsers(t, alice, input));
      expect(real.results.map((r) => r.outcome)).toEqual([
        'ADDED',
        'ALREADY_MEMBER',
        'DUPLICATE_IN_BATCH',
        'NOT_FOUND',
      ]);
      expect(await allUserIds(t, alice, account.id)).toEqual(['alice', 'dave']);
    });

    test('a retry with the same idempotencyKey returns the first results and appends nothing', async () => {
      const account = await createAccount(t, alice, 'Idem', 'idem.example');
      const input = {
        accountId: account.id,
        users: ['erin', 'frank', 'missing-user', 'erin'],
        roles: [accountRole('SMART_ACCOUNT_VIEWER')],
        idempotencyKey: 'batch-1',
      };
      const first = dataOf(await addUsers(t, alice, input)).addUsers;
      expect(first.results.map((r) => r.outcome)).toEqual([
        'ADDED',
        'ADDED',
        'NOT_FOUND',
        'DUPLICATE_IN_BATCH',
      ]);
      expect(first.addedCount).toBe(2);

      const appended = await appendedDuring(t, async () => {
        const second = dataOf(await addUsers(t, alice, input)).addUsers;
        expect(second).toEqual(first);
        // Even when the retry's body differs, the key decides: the first result, nothing new.
        const changed = dataOf(await addUsers(t, alice, { ...input, users: ['grace'] })).addUsers;
        expect(changed).toEqual(first);
      });
      expect(appended).toEqual([]);
      expect(await allUserIds(t, alice, account.id)).toEqual(['alice', 'erin', 'frank']);

      // A dry run under a new key records nothing: the real run under that key then adds.
      await t.signIn('late-user');
      const lateInput = { ...input, users: ['late-user'], idempotencyKey: 'batch-2' };
      const dry = dataOf(await addUsers(t, alice, { ...lateInput, dryRun: true })).addUsers;
      expect(dry.results.map((r) => r.outcome)).toEqual(['WOULD_ADD']);
      const real = dataOf(await addUsers(t, alice, lateInput)).addUsers;
      expect(real).toMatchObject({ dryRun: false, addedCount: 1, results: [{ outcome: 'ADDED' }] });

      // Without the key, the same batch now finds them already members.
      const again = dataOf(await addUsers(t, alice, { ...input, idempotencyKey: null })).addUsers;
      expect(again.results.map((r) => r.outcome)).toEqual([
        'ALREADY_MEMBER',
        'ALREADY_MEMBER',
        'NOT_FOUND',
        'DUPLICATE_IN_BATCH',
      ]);
      // Keys belong to the account: the same key on another account is a new batch.
      const other = await createAccount(t, alice, 'Idem Other', 'idem-other.example');
      const elsewhere = dataOf(await addUsers(t, alice, { ...input, accountId: other.id })).addUsers;
      expect(elsewhere.results.map((r) => r.outcome)).toEqual([
        'ADDED',
        'ADDED',
        'NOT_FOUND',
        'DUPLICATE_IN_BATCH',
      ]);
    });

    test('role scope errors are BAD_USER_INPUT on roles, and append nothing', async () => {
      const account = await createAccount(t, alice, 'Scope', 'scope.example');
      const elsewhere = await createAccount(t, alice, 'Elsewhere', 'elsewhere.example');
      const before = await eventCount(t);
      for (const roles of [
        [{ role: 'VIRTUAL_ACCOUNT_USER' }],
        [vaRole('VIRTUAL_ACCOUNT_USER', randomUUID())],
        [vaRole('VIRTUAL_ACCOUNT_ADMIN', elsewhere.defaultVaId)],
        [vaRole('SMART_ACCOUNT_VIEWER', account.defaultVaId)],
        [],
      ]) {
        const add = await addUsers(t, alice, { accountId: account.id, users: ['bob'], roles });
        expect({ roles, error: errorOf(add) }).toMatchObject({
          roles,
          error: { code: 'BAD_USER_INPUT', field: 'roles' },
        });
      }
      await addUsersOk(t, alice, account.id, ['bob'], [accountRole('SMART_ACCOUNT_VIEWER')]);
      const afterAdd = await eventCount(t);
      expect(afterAdd).toBe(before + 1);
      const set = await t.gql(alice, SET_USER_ROLES, {
        input: { accountId: account.id, userId: 'bob', roles: [{ role: 'VIRTUAL_ACCOUNT_VIEWER' }] },
      });
      expect(errorOf(set)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roles' });
      const unknownRole = await addUsers(t, alice, {
        accountId: account.id,
        users: ['carol'],
        roles: [{ role: 'OWNER' }],
      });
      expect(codeOf(unknownRole)).toBe('BAD_USER_INPUT');
      expect(await eventCount(t)).toBe(afterAdd);
    });

    test('a batch with no users, or more than 10,000, is BAD_USER_INPUT on users and appends nothing', async () => {
      const account = await createAccount(t, alice, 'Bounds', 'bounds.example');
      const before = await eventCount(t);
      const roles = [accountRole('SMART_ACCOUNT_VIEWER')];
      const empty = await addUsers(t, alice, { accountId: account.id, users: [], roles });
      expect(errorOf(empty)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'users' });
      const none = await addUsers(t, alice, { accountId: account.id, roles });
      expect(errorOf(none)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'users' });
      const tooMany = await addUsers(t, alice, {
        accountId: account.id,
        users: [...Array.from({ length: 10_000 }, (_, i) => `u${i}`), 'bob'],
        roles,
      });
      expect(errorOf(tooMany)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'users' });
      const longKey = await addUsers(t, alice, {
        accountId: account.id,
        users: ['bob'],
        roles,
        idempotencyKey: 'k'.repeat(201),
      });
      expect(errorOf(longKey)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
      expect(await eventCount(t)).toBe(before);
    });
  });

  describe('setUserRoles and removeUser', () => {
    test('change roles, remove the user; each seen by the very next query', async () => {
      const account = await createAccount(t, alice, 'Manage', 'manage.example');
      const sales = await createVirtualAccount(t, alice, account.id, 'Sales');
      await addUsersOk(t, alice, account.id, ['bob'], [accountRole('SMART_ACCOUNT_VIEWER')]);

      const roles = [
        vaRole('VIRTUAL_ACCOUNT_ADMIN', sales),
        vaRole('VIRTUAL_ACCOUNT_VIEWER', account.defaultVaId),
      ];
      const changed = await appendedDuring(t, async () => {
        const set = dataOf(
          await t.gql<{ setUserRoles: unknown }>(alice, SET_USER_ROLES, {
            input: { accountId: account.id, userId: 'bob', roles },
          }),
        );
        expect(set.setUserRoles).toEqual({
          profile: { userId: 'bob' },
          directRoles: [
            { role: 'VIRTUAL_ACCOUNT_ADMIN', virtualAccount: { id: sales } },
            { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccount: { id: account.defaultVaId } },
          ],
        });
      });
      expect(changed.map((e) => [e.type, e.data.userId])).toEqual([['UserRolesChanged', 'bob']]);
      expect(changed[0].data.previousRoles).toEqual([
        { role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: null },
      ]);

      const bobSees = dataOf(
        await t.gql<{ smartAccount: { myRoles: RoleView[] } }>(
          tokens.bob,
          'query ($id: ID!) { smartAccount(id: $id) { myRoles { role virtualAccount { id } } } }',
          { id: account.id },
        ),
      );
      expect(bobSees.smartAccount.myRoles).toEqual([
        { role: 'VIRTUAL_ACCOUNT_ADMIN', virtualAccount: { id: sales } },
        { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccount: { id: account.defaultVaId } },
      ]);

      // Setting the same roles again changes nothing.
      const same = await appendedDuring(t, async () => {
        dataOf(
          await t.gql(alice, SET_USER_ROLES, { input: { accountId: account.id, userId: 'bob', roles } }),
        );
      });
      expect(same).toEqual([]);

      const removed = await appendedDuring(t, async () => {
        const response = await t.gql<{ removeUser: unknown }>(alice, REMOVE_USER, {
          input: { accountId: account.id, userId: 'bob', notify: true },
        });
        expect(dataOf(response).removeUser).toEqual({
          accountId: account.id,
          userId: 'bob',
          removedFromGroups: [],
        });
      });
      expect(removed.map((e) => e.type)).toEqual(['UserRemoved']);
      expect(removed[0].data).toMatchObject({ userId: 'bob', notify: true });

      expect(await allUserIds(t, alice, account.id)).toEqual(['alice']);
      const gone = dataOf(
        await t.gql<{ smartAccount: { user: unknown } }>(alice, USER, { id: account.id, userId: 'bob' }),
      );
      expect(gone.smartAccount.user).toBeNull();
      // Bob lost all access: the account reads as if it did not exist.
      const bobNow = await t.gql<{ smartAccount: unknown; mySmartAccounts: unknown }>(
        tokens.bob,
        'query ($id: ID!) { smartAccount(id: $id) { id } mySmartAccounts { id } }',
        { id: account.id },
      );
      const bobNowData = dataOf(bobNow);
      expect(bobNowData.smartAccount).toBeNull();
      expect(bobNowData.mySmartAccounts).not.toContainEqual({ id: account.id });

      // Removing or re-ranking someone who is not a user is NOT_FOUND and appends nothing.
      const before = await eventCount(t);
      const again = await t.gql(alice, REMOVE_USER, { input: { accountId: account.id, userId: 'bob' } });
      expect(codeOf(again)).toBe('NOT_FOUND');
      const setGone = await t.gql(alice, SET_USER_ROLES, {
        input: { accountId: account.id, userId: 'bob', roles: [accountRole('SMART_ACCOUNT_VIEWER')] },
      });
      expect(codeOf(setGone)).toBe('NOT_FOUND');
      expect(await eventCount(t)).toBe(before);

      // A removed user can be added again, and is listed after the others.
      await addUsersOk(t, alice, account.id, ['carol', 'bob'], [accountRole('SMART_ACCOUNT_USER')]);
      expect(await allUserIds(t, alice, account.id)).toEqual(['alice', 'carol', 'bob']);
      // notify defaults to false for removeUser.
      const quietly = await appendedDuring(t, async () => {
        dataOf(await t.gql(alice, REMOVE_USER, { input: { accountId: account.id, userId: 'carol' } }));
      });
      expect(quietly.map((e) => [e.type, e.data.notify])).toEqual([['UserRemoved', false]]);
    });

    test('the last SMART_ACCOUNT_ADMIN can be neither demoted nor removed (CONFLICT, nothing appended)', async () => {
      const account = await createAccount(t, alice, 'Last Admin', 'last-admin.example');
      await addUsersOk(t, alice, account.id, ['bob'], [vaRole('VIRTUAL_ACCOUNT_ADMIN', account.defaultVaId)]);
      const before = await eventCount(t);
      const demote = await t.gql(alice, SET_USER_ROLES, {
        input: { accountId: account.id, userId: 'alice', roles: [accountRole('SMART_ACCOUNT_VIEWER')] },
      });
      expect(codeOf(demote)).toBe('CONFLICT');
      const remove = await t.gql(alice, REMOVE_USER, { input: { accountId: account.id, userId: 'alice' } });
      expect(codeOf(remove)).toBe('CONFLICT');
      expect(await eventCount(t)).toBe(before);
      // Keeping SMART_ACCOUNT_ADMIN among other roles is fine.
      dataOf(
        await t.gql(alice, SET_USER_ROLES, {
          input: {
            accountId: account.id,
            userId: 'alice',
            roles: [accountRole('SMART_ACCOUNT_ADMIN'), accountRole('SMART_ACCOUNT_APPROVER')],
          },
        }),
      );

      // With a second admin, the first may step down; then the second is the last one.
      await addUsersOk(t, alice, account.id, ['carol'], [accountRole('SMART_ACCOUNT_ADMIN')]);
      dataOf(
        await t.gql(alice, SET_USER_ROLES, {
          input: { accountId: account.id, userId: 'alice', roles: [accountRole('SMART_ACCOUNT_VIEWER')] },
        }),
      );
      const beforeCarol = await eventCount(t);
      const removeCarol = await t.gql(tokens.carol, REMOVE_USER, {
        input: { accountId: account.id, userId: 'carol' },
      });
      expect(codeOf(removeCarol)).toBe('CONFLICT');
      expect(await eventCount(t)).toBe(beforeCarol);
      dataOf(await t.gql(tokens.carol, REMOVE_USER, { input: { accountId: account.id, userId: 'alice' } }));
      expect(await allUserIds(t, tokens.carol, account.id)).toEqual(['bob', 'carol']);
    });
  });

  describe('users(search, first, after)', () => {
    let accountId: string;
    const people = [
      { id: 'dscully', name: 'Dana Scully', email: 'dana.scully@fbi.example' },
      { id: 'fmulder', name: 'Fox Mulder', email: 'fox@fbi.example' },
      { id: 'wskinner', name: 'Walter Skinner', email: 'ad.skinner@fbi.example' },
      { id: 'cgsm', name: 'Cigarette Smoking Man', email: 'cgb.spender@syndicate.example' },
      { id: 'jbyers', name: 'John Fitzgerald Byers', email: 'byers@lone-gunmen.example' },
      { id: 'Mfrohike', name: 'Melvin Frohike', email: 'MELVIN@Lone-Gunmen.example' },
    ];

    beforeAll(async () => {
      for (const person of people) await t.signIn(person.id, { name: person.name, email: person.email });
      const account = await createAccount(t, alice, 'X Files', 'x-files.example');
      accountId = account.id;
      await addUsersOk(
        t,
        alice,
        accountId,
        people.map((p) => p.id),
        [accountRole('SMART_ACCOUNT_VIEWER')],
      );
    });

    const search = async (text: string) => allUserIds(t, alice, accountId, { search: text });

    test('matches a prefix of any word of user ID, name or email, case-insensitively', async () => {
      expect(await search('scu')).toEqual(['dscully']); // name and email word
      expect(await search('SCULLY')).toEqual(['dscully']);
      expect(await search('dsc')).toEqual(['dscully']); // user ID
      expect(await search('fox')).toEqual(['fmulder']);
      expect(await search('mul')).toEqual(['fmulder']);
      expect(await search('fbi')).toEqual(['dscully', 'fmulder', 'wskinner']); // email domain
      expect(await search('skin')).toEqual(['wskinner']);
      expect(await search('fitz')).toEqual(['jbyers']); // middle name
      expect(await search('gunmen')).toEqual(['jbyers', 'Mfrohike']);
      expect(await search('mfro')).toEqual(['Mfrohike']); // user ID, other case
      expect(await search('melvin@lone')).toEqual(['Mfrohike']); // the whole email
      expect(await search('ully')).toEqual([]); // not a word prefix
      expect(await search('zzz')).toEqual([]);
      expect(await search('')).toEqual(['alice', ...people.map((p) => p.id)]);
    });

    test('follows profile changes: a new name is found, the old one no longer', async () => {
      const token = await t.signIn('renamed-user', {
        name: 'Oldname Person',
        email: 'renamed@before.example',
      });
      await addUsersOk(t, alice, accountId, ['renamed-user'], [accountRole('SMART_ACCOUNT_VIEWER')]);
      expect(await search('oldname')).toEqual(['renamed-user']);
      dataOf(
        await t.gql(token, 'mutation { updateMyProfile(input: { name: "Ærøskøbing Newname" }) { name } }'),
      );
      expect(await search('oldname')).toEqual([]);
      expect(await search('NEWNAME')).toEqual(['renamed-user']);
      expect(await search('ÆRØ')).toEqual(['renamed-user']);
      // A changed email in the token is followed too.
      await t.signIn('renamed-user', { name: 'Oldname Person', email: 'renamed@after.example' });
      expect(await search('after')).toEqual(['renamed-user']);
      expect(await search('before')).toEqual([]);
      dataOf(await t.gql(alice, REMOVE_USER, { input: { accountId, userId: 'renamed-user' } }));
      expect(await search('renamed')).toEqual([]);
    });

    test('addUsers finds a profile by its email in any case', async () => {
      const account = await createAccount(t, alice, 'Email Case', 'email-case.example');
      const { addUsers: result } = dataOf(
        await addUsers(t, alice, {
          accountId: account.id,
          users: ['melvin@lone-gunmen.example', 'DANA.SCULLY@FBI.EXAMPLE'],
          roles: [accountRole('SMART_ACCOUNT_VIEWER')],
        }),
      );
      expect(result.results.map((r) => [r.outcome, r.user?.profile.userId])).toEqual([
        ['ADDED', 'Mfrohike'],
        ['ADDED', 'dscully'],
      ]);
    });

    test('search results report their totalCount and page with after', async () => {
      const first = await usersPage(t, alice, accountId, { search: 'fbi', first: 2 });
      expect(first.totalCount).toBe(3);
      expect(first.nodes.map((n) => n.profile.userId)).toEqual(['dscully', 'fmulder']);
      expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1].cursor });
      const second = await usersPage(t, alice, accountId, {
        search: 'fbi',
        first: 2,
        after: first.pageInfo.endCursor,
      });
      expect(second.nodes.map((n) => n.profile.userId)).toEqual(['wskinner']);
      expect(second.pageInfo.hasNextPage).toBe(false);
      expect(second.totalCount).toBe(3);
    });

    test('pages with first and after cover every user exactly once', async () => {
      const expected = ['alice', ...people.map((p) => p.id)];
      for (const size of [1, 2, 3, 7, 500]) {
        expect(await allUserIds(t, alice, accountId, { first: size })).toEqual(expected);
      }
      const whole = await usersPage(t, alice, accountId, {});
      expect(whole.totalCount).toBe(expected.length);
      expect(whole.edges.map((e) => e.node)).toEqual(whole.nodes);
    });

    test('cursors stay stable while users are added (and removed) between pages', async () => {
      const account = await createAccount(t, alice, 'Paging', 'paging.example');
      const batch = (from: number, to: number) =>
        Array.from({ length: to - from }, (_, i) => `pager-${from + i}`);
      const initial = batch(0, 10);
      await signInAll(t, [...initial, ...batch(10, 20)]);
      await addUsersOk(t, alice, account.id, initial, [accountRole('SMART_ACCOUNT_VIEWER')]);

      const seen: string[] = [];
      let page = await usersPage(t, alice, account.id, { first: 4 });
      seen.push(...page.nodes.map((n) => n.profile.userId));
      let round = 10;
      while (page.pageInfo.hasNextPage) {
        // Between pages: more users join (at the end of the list).
        if (round < 20) {
          const next = Math.min(round + 3, 20);
          await addUsersOk(t, alice, account.id, batch(round, next), [accountRole('SMART_ACCOUNT_VIEWER')]);
          round = next;
        }
        page = await usersPage(t, alice, account.id, { first: 4, after: page.pageInfo.endCursor });
        seen.push(...page.nodes.map((n) => n.profile.userId));
      }
      const everyone = ['alice', ...batch(0, round)];
      expect(seen).toEqual(everyone);
      expect(new Set(seen).size).toBe(seen.length);

      // Removing a user already paged past neither repeats nor skips anyone.
      const firstPage = await usersPage(t, alice, account.id, { first: 3 });
      dataOf(await t.gql(alice, REMOVE_USER, { input: { accountId: account.id, userId: 'pager-0' } }));
      const rest = await allUserIds(t, alice, account.id, { first: 3 });
      const next = await usersPage(t, alice, account.id, { first: 100, after: firstPage.pageInfo.endCursor });
      expect(firstPage.nodes.map((n) => n.profile.userId)).toEqual(['alice', 'pager-0', 'pager-1']);
      expect(next.nodes.map((n) => n.profile.userId)).toEqual(everyone.slice(3));
      expect(rest).toEqual(everyone.filter((id) => id !== 'pager-0'));
    });

    test('first must be 1 to 500; a foreign cursor is BAD_USER_INPUT', async () => {
      for (const first of [501, 0, -1]) {
        const response = await t.gql(alice, USERS_PAGE, { id: accountId, first });
        expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      }
      const bad = await t.gql(alice, USERS_PAGE, { id: accountId, after: 'not-a-cursor' });
      expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      const ok = await usersPage(t, alice, accountId, { first: 500 });
      expect(ok.nodes).toHaveLength(people.length + 1);
    });
  });

  test('user IDs that are also names of object properties are users like any other', async () => {
    const odd = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    await signInAll(t, odd);
    const account = await createAccount(t, alice, 'Odd IDs', 'odd-ids.example');
    const { addUsers: result } = dataOf(
      await addUsers(t, alice, {
        accountId: account.id,
        users: [...odd, '__proto__'],
        roles: [accountRole('SMART_ACCOUNT_VIEWER')],
      }),
    );
    expect(result.results.map((r) => [r.input, r.outcome, r.user?.profile.userId ?? null])).toEqual([
      ...odd.map((id) => [id, 'ADDED', id]),
      ['__proto__', 'DUPLICATE_IN_BATCH', null],
    ]);
    expect(await allUserIds(t, alice, account.id)).toEqual(['alice', ...odd]);
    expect(await allUserIds(t, alice, account.id, { search: 'proto' })).toEqual(['__proto__']);
    dataOf(
      await t.gql(alice, SET_USER_ROLES, {
        input: { accountId: account.id, userId: 'constructor', roles: [accountRole('SMART_ACCOUNT_ADMIN')] },
      }),
    );
    dataOf(await t.gql(alice, REMOVE_USER, { input: { accountId: account.id, userId: '__proto__' } }));
    expect(await allUserIds(t, alice, account.id)).toEqual([
      'alice',
      'constructor',
      'toString',
      'hasOwnProperty',
    ]);
    const notMembers = await t.gql(alice, REMOVE_USER, {
      input: { accountId: account.id, userId: 'valueOf' },
    });
    expect(codeOf(notMembers)).toBe('NOT_FOUND');
    const theirs = dataOf(
      await t.gql<{ mySmartAccounts: Array<{ id: string }> }>(
        await t.token('constructor'),
        '{ mySmartAccounts { id } }',
      ),
    );
    expect(theirs.mySmartAccounts).toEqual([{ id: account.id }]);
  });

  test('read-your-writes: every query right after a mutation response reflects it', async () => {
    const account = await createAccount(t, alice, 'RYW', 'ryw.example');
    const ids = Array.from({ length: 15 }, (_, i) => `ryw-${i}`);
    const newcomers = await signInAll(t, ids);
    for (const [index, id] of ids.entries()) {
      await addUsersOk(t, alice, account.id, [id], [accountRole('SMART_ACCOUNT_VIEWER')]);
      const page = await usersPage(t, alice, account.id, { first: 1, search: id });
      expect(page.totalCount).toBe(1);
      expect((await usersPage(t, alice, account.id, { first: 1 })).totalCount).toBe(index + 2);
      const newcomer = await t.gql<{ smartAccount: { id: string } | null }>(
        newcomers[id],
        'query ($id: ID!) { smartAccount(id: $id) { id } }',
        { id: account.id },
      );
      expect(dataOf(newcomer).smartAccount).toEqual({ id: account.id });
    }
    const events = accountEvents(await t.allEvents(), account.id);
    expect(events.filter((e) => e.type === 'UserAdded')).toHaveLength(ids.length + 1);
  });
});
