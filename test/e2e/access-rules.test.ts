import { ACCESS_REQUESTS_PER_HOUR } from '../../src/app/access-requests';
import { codeOf, startTestApp, type GraphQLResponse, type TestApp } from '../support/app-harness';
import {
  ACCESS_REQUEST,
  ACCOUNT_REQUESTS,
  CANCEL,
  REMIND,
  REQUEST_ACCESS,
  approve,
  decline,
  myRequests,
  myRoles,
  requestAccessOk,
  type RequestView,
} from './access-fixtures';
import {
  USER,
  accountEvents,
  accountRole,
  addUsersOk,
  appendedDuring,
  createAccount,
  dataOf,
  errorOf,
  signInAll,
  vaRole,
} from './accounts-fixtures';

describe('access request rules over HTTP', () => {
  let t: TestApp;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    tokens = await signInAll(t, ['alice', 'vera', 'stranger', 'rita', 'rob', 'ruth', 'ray', 'rex', 'rhea']);
  });
  afterAll(() => t.stop());

  /** A fresh account of alice's, with vera as SMART_ACCOUNT_VIEWER. */
  async function aliceAccount(domain: string) {
    const account = await createAccount(t, tokens.alice, `Account ${domain}`, domain);
    await addUsersOk(t, tokens.alice, account.id, ['vera'], [accountRole('SMART_ACCOUNT_VIEWER')]);
    return account;
  }

  /** Runs a mutation that must fail: returns its error, and checks that it appended nothing. */
  async function refused(send: () => Promise<GraphQLResponse<unknown>>) {
    let response: GraphQLResponse<unknown> | undefined;
    const appended = await appendedDuring(t, async () => {
      response = await send();
    });
    if (response === undefined) throw new Error('no response');
    expect(appended).toEqual([]);
    const [error] = response.errors ?? [];
    if (error === undefined) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
    return { ...errorOf(response), extensions: error.extensions ?? {} };
  }

  const requestAccess = (token: string, domainIdentifier: string, reason = 'Please') =>
    t.gql<{ requestAccess: RequestView }>(token, REQUEST_ACCESS, { input: { domainIdentifier, reason } });

  test('one PENDING request per person and account: the second is a CONFLICT naming the first', async () => {
    const account = await aliceAccount('rules-pending.example');
    const first = await requestAccessOk(t, tokens.rita, 'rules-pending.example');
    expect(first).toMatchObject({
      status: 'PENDING',
      kind: 'USER',
      accountId: account.id,
      accountName: 'Account rules-pending.example',
      domainIdentifier: 'rules-pending.example',
      requester: { userId: 'rita' },
      remindersSent: 0,
      decidedBy: null,
      grantedRoles: [],
    });
    // Any case, surrounding blanks: the same account.
    const second = await refused(() => requestAccess(tokens.rita, ' RULES-Pending.example '));
    expect(second.code).toBe('CONFLICT');
    expect(second.extensions.requestId).toBe(first.id);

    // Another person may.
    await requestAccessOk(t, tokens.rob, 'rules-pending.example');

    // Allowed again after a decline, and after a cancellation.
    dataOf(await decline(t, tokens.alice, first.id, 'No'));
    const afterDecline = await requestAccessOk(t, tokens.rita, 'rules-pending.example');
    expect(afterDecline.id).not.toBe(first.id);
    expect(
      (await refused(() => requestAccess(tokens.rita, 'rules-pending.example'))).extensions.requestId,
    ).toBe(afterDecline.id);
    dataOf(await t.gql(tokens.rita, CANCEL, { id: afterDecline.id }));
    const afterCancel = await requestAccessOk(t, tokens.rita, 'rules-pending.example');
    expect(new Set([first.id, afterDecline.id, afterCancel.id]).size).toBe(3);

    const mine = await myRequests(t, tokens.rita);
    expect(mine.filter((r) => r.accountId === account.id).map((r) => [r.id, r.status])).toEqual([
      [first.id, 'DECLINED'],
      [afterDecline.id, 'CANCELLED'],
      [afterCancel.id, 'PENDING'],
    ]);
  });

  test('who may request: not a user with a direct role; an unknown domain identifier is NOT_FOUND', async () => {
    await aliceAccount('rules-who.example');
    const member = await refused(() => requestAccess(tokens.vera, 'rules-who.example'));
    expect(member.code).toBe('FORBIDDEN');
    expect((await refused(() => requestAccess(tokens.alice, 'rules-who.example'))).code).toBe('FORBIDDEN');
    expect((await refused(() => requestAccess(tokens.stranger, 'no-such-account.example'))).code).toBe(
      'NOT_FOUND',
    );
    expect((await refused(() => requestAccess(tokens.stranger, 'rules-who.example', '   '))).field).toBe(
      'reason',
    );
    expect(
      (
        await refused(() =>
          t.gql(null, REQUEST_ACCESS, { input: { domainIdentifier: 'rules-who.example', reason: 'x' } }),
        )
      ).code,
    ).toBe('UNAUTHENTICATED');
  });

  test('a reminder before nextReminderAllowedAt is RATE_LIMITED with retryAfterSeconds', async () => {
    await aliceAccount('rules-remind.example');
    const request = await requestAccessOk(t, tokens.ruth, 'rules-remind.example');
    // The administrators were just emailed: the first reminder waits the default interval (a day).
    expect(request.nextReminderAllowedAt).not.toBeNull();
    const next = Date.parse(request.nextReminderAllowedAt ?? '');
    expect(next - Date.now()).toBeGreaterThan(86_000 * 1000);

    const error = await refused(() => t.gql(tokens.ruth, REMIND, { id: request.id }));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.extensions.retryAfterSeconds).toEqual(expect.any(Number));
    expect(error.extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.extensions.retryAfterSeconds).toBeLessThanOrEqual(86_400);

    // Only the requester: the admin is FORBIDDEN, a stranger does not see the request at all.
    expect((await refused(() => t.gql(tokens.alice, REMIND, { id: request.id }))).code).toBe('FORBIDDEN');
    expect((await refused(() => t.gql(tokens.stranger, REMIND, { id: request.id }))).code).toBe('NOT_FOUND');
    expect((await refused(() => t.gql(tokens.stranger, CANCEL, { id: request.id }))).code).toBe('NOT_FOUND');
    expect((await refused(() => t.gql(tokens.alice, CANCEL, { id: request.id }))).code).toBe('FORBIDDEN');
    const unchanged = dataOf(
      await t.gql<{ accessRequest: RequestView }>(tokens.ruth, ACCESS_REQUEST, { id: request.id }),
    ).accessRequest;
    expect(unchanged).toMatchObject({ status: 'PENDING', remindersSent: 0 });
  });

  test('approve needs roles for a USER request; approve and decline only a PENDING one', async () => {
    const account = await aliceAccount('rules-decide.example');
    const request = await requestAccessOk(t, tokens.ray, 'rules-decide.example');

    for (const roles of [null, []]) {
      const error = await refused(() => approve(t, tokens.alice, request.id, roles));
      expect([error.code, error.field]).toEqual(['BAD_USER_INPUT', 'roles']);
    }
    const badScope = await refused(() =>
      approve(t, tokens.alice, request.id, [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccountId: null }]),
    );
    expect([badScope.code, badScope.field]).toEqual(['BAD_USER_INPUT', 'roles']);
    // Only the account's admins decide. Those who may not see the request (a viewer of the account,
    // a stranger) are told it does not exist; the requester sees it but may not decide it.
    const roles = [accountRole('SMART_ACCOUNT_VIEWER')];
    expect((await refused(() => approve(t, tokens.vera, request.id, roles))).code).toBe('NOT_FOUND');
    expect((await refused(() => approve(t, tokens.stranger, request.id, roles))).code).toBe('NOT_FOUND');
    expect((await refused(() => decline(t, tokens.stranger, request.id))).code).toBe('NOT_FOUND');
    expect((await refused(() => approve(t, tokens.ray, request.id, roles))).code).toBe('FORBIDDEN');
    expect((await refused(() => decline(t, tokens.ray, request.id))).code).toBe('FORBIDDEN');

    const approved = dataOf(await approve(t, tokens.alice, request.id, roles)).approveAccessRequest;
    expect(approved).toMatchObject({ status: 'APPROVED', decidedBy: 'alice', nextReminderAllowedAt: null });
    expect(await myRoles(t, tokens.ray, account.id)).toEqual([
      { role: 'SMART_ACCOUNT_VIEWER', virtualAccount: null, viaGroup: null },
    ]);

    for (const send of [
      () => approve(t, tokens.alice, request.id, [accountRole('SMART_ACCOUNT_ADMIN')]),
      () => decline(t, tokens.alice, request.id),
    ]) {
      const error = await refused(send);
      expect(error.code).toBe('CONFLICT');
      expect(error.extensions.requestId).toBe(request.id);
    }

    // A cancelled request cannot be decided either.
    const other = await requestAccessOk(t, tokens.rex, 'rules-decide.example');
    dataOf(await t.gql(tokens.rex, CANCEL, { id: other.id }));
    expect((await refused(() => approve(t, tokens.alice, other.id, roles))).code).toBe('CONFLICT');
    expect((await refused(() => decline(t, tokens.alice, other.id))).code).toBe('CONFLICT');
    expect((await refused(() => t.gql(tokens.rex, CANCEL, { id: other.id }))).code).toBe('CONFLICT');
    // Unknown request IDs.
    expect(
      (await refused(() => approve(t, tokens.alice, '00000000-0000-4000-8000-000000000000', roles))).code,
    ).toBe('NOT_FOUND');
  });

  test('approving a request of someone who became a user meanwhile merges the roles', async () => {
    const account = await aliceAccount('rules-merge.example');
    const request = await requestAccessOk(t, tokens.rhea, 'rules-merge.example');
    await addUsersOk(
      t,
      tokens.alice,
      account.id,
      ['rhea'],
      [vaRole('VIRTUAL_ACCOUNT_VIEWER', account.defaultVaId)],
    );

    const appended = await appendedDuring(t, async () => {
      const approved = dataOf(
        await approve(t, tokens.alice, request.id, [
          accountRole('SMART_ACCOUNT_USER'),
          vaRole('VIRTUAL_ACCOUNT_VIEWER', account.defaultVaId),
        ]),
      ).approveAccessRequest;
      expect(approved.status).toBe('APPROVED');
    });
    expect(appended.map((e) => e.type)).toEqual(['AccessApproved', 'UserRolesChanged']);
    const user = dataOf(
      await t.gql<{ smartAccount: { user: { directRoles: unknown[] } } }>(tokens.alice, USER, {
        id: account.id,
        userId: 'rhea',
      }),
    ).smartAccount.user;
    expect(user.directRoles).toEqual([
      { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccount: { id: account.defaultVaId } },
      { role: 'SMART_ACCOUNT_USER', virtualAccount: null },
    ]);
  });

  test('reading requests: myAccessRequests(status), accessRequest(id), smartAccount.accessRequests(status)', async () => {
    const account = await aliceAccount('rules-read.example');
    const [pending, toDecline] = await Promise.all([
      requestAccessOk(t, tokens.rob, 'rules-read.example'),
      requestAccessOk(t, tokens.stranger, 'rules-read.example'),
    ]);
    dataOf(await decline(t, tokens.alice, toDecline.id, 'Not now'));

    const robPending = await myRequests(t, tokens.rob, 'PENDING');
    expect(robPending.map((r) => r.id)).toContain(pending.id);
    expect((await myRequests(t, tokens.rob, 'DECLINED')).map((r) => r.id)).not.toContain(pending.id);
    expect((await myRequests(t, tokens.stranger, 'DECLINED')).map((r) => r.id)).toEqual([toDecline.id]);
    expect((await myRequests(t, tokens.stranger, 'PENDING')).map((r) => r.id)).not.toContain(toDecline.id);

    const read = async (token: string, id: string) =>
      dataOf(await t.gql<{ accessRequest: RequestView | null }>(token, ACCESS_REQUEST, { id })).accessRequest;
    expect(await read(tokens.rob, pending.id)).toMatchObject({ id: pending.id, status: 'PENDING' });
    expect(await read(tokens.alice, pending.id)).toMatchObject({
      id: pending.id,
      requester: { userId: 'rob' },
    });
    expect(await read(tokens.stranger, pending.id)).toBeNull();
    expect(await read(tokens.vera, pending.id)).toBeNull();
    expect(await read(tokens.rob, toDecline.id)).toBeNull();
    expect(await read(tokens.rob, '00000000-0000-4000-8000-000000000000')).toBeNull();

    const accountRequests = async (status?: string) =>
      dataOf(
        await t.gql<{ smartAccount: { accessRequests: { totalCount: number; nodes: RequestView[] } } }>(
          tokens.alice,
          ACCOUNT_REQUESTS,
          { id: account.id, status },
        ),
      ).smartAccount.accessRequests;
    expect((await accountRequests()).totalCount).toBe(2);
    expect((await accountRequests('PENDING')).nodes.map((r) => r.id)).toEqual([pending.id]);
    expect((await accountRequests('DECLINED')).nodes).toEqual([
      expect.objectContaining({ id: toDecline.id, decisionMessage: 'Not now', decidedBy: 'alice' }),
    ]);
    expect((await accountRequests('APPROVED')).totalCount).toBe(0);

    const asViewer = await t.gql(tokens.vera, ACCOUNT_REQUESTS, { id: account.id });
    expect(codeOf(asViewer)).toBe('FORBIDDEN');
    // Someone who may not read the account does not see it at all.
    expect(dataOf(await t.gql(tokens.rob, ACCOUNT_REQUESTS, { id: account.id }))).toEqual({
      smartAccount: null,
    });
  });

  test(`at most ${ACCESS_REQUESTS_PER_HOUR} new requests an hour per person, counted per operation inside one document`, async () => {
    const { ['rl-user']: token } = await signInAll(t, ['rl-user']);
    const count = ACCESS_REQUESTS_PER_HOUR + 1;
    const domains = Array.from({ length: count }, (_, i) => `rules-rate-${i}.example`);
    const accounts = [];
    for (const domain of domains) accounts.push(await createAccount(t, tokens.alice, domain, domain));

    const document = `mutation { ${domains
      .map(
        (domain, i) =>
          `r${i}: requestAccess(input: { domainIdentifier: "${domain}", reason: "batch" }) { id }`,
      )
      .join('\n')} }`;
    const before = (await t.allEvents()).length;
    const response = await t.gql<Record<string, { id: string } | null>>(token, document);
    const appended = (await t.allEvents()).slice(before);

    const requested = appended.filter(
      (e) => e.type === 'AccessRequested' && e.data.requesterId === 'rl-user',
    );
    expect(requested).toHaveLength(ACCESS_REQUESTS_PER_HOUR);
    expect(appended).toHaveLength(ACCESS_REQUESTS_PER_HOUR);
    const errors = response.errors ?? [];
    expect(errors.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(errors[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(errors[0].path).toEqual([`r${ACCESS_REQUESTS_PER_HOUR}`]);
    // The ones that got through are real requests, one on each of the first accounts.
    const pending = await myRequests(t, token, 'PENDING');
    expect(pending.map((r) => r.accountId).sort()).toEqual(
      accounts
        .slice(0, ACCESS_REQUESTS_PER_HOUR)
        .map((a) => a.id)
        .sort(),
    );
    expect(accountEvents(appended, accounts[ACCESS_REQUESTS_PER_HOUR].id)).toEqual([]);

    // And a separate operation afterwards is refused too.
    const later = await refused(() => requestAccess(token, domains[ACCESS_REQUESTS_PER_HOUR]));
    expect(later.code).toBe('RATE_LIMITED');
  });
});
