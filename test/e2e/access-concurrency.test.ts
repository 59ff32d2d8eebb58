import type { StoredEvent } from '../../src/eventstore/port';
import { codeOf, startTestApp, type TestApp } from '../support/app-harness';
import { tempDir, waitUntil } from '../support/temp';
import {
  ACCESS_REQUEST,
  approve,
  decline,
  myRoles,
  requestAccessOk,
  type RequestView,
} from './access-fixtures';
import {
  USERS_PAGE,
  accountEvents,
  accountRole,
  addUsersOk,
  appendedDuring,
  createAccount,
  dataOf,
  signInAll,
  vaRole,
} from './accounts-fixtures';

/** The decision events (and the access they gave) for one request in an account's stream. */
function decisionEvents(
  events: readonly StoredEvent[],
  accountId: string,
  requestId: string,
  userId: string,
) {
  const stream = accountEvents(events, accountId);
  return {
    decisions: stream.filter(
      (e) => (e.type === 'AccessApproved' || e.type === 'AccessDeclined') && e.data.requestId === requestId,
    ),
    added: stream.filter((e) => e.type === 'UserAdded' && e.data.userId === userId),
  };
}

describe('access request decisions under concurrency and crashes', () => {
  describe('50 concurrent decisions on one request', () => {
    let t: TestApp;
    let tokens: Record<string, string>;

    beforeAll(async () => {
      t = await startTestApp();
      tokens = await signInAll(t, ['alice', 'carol', 'bob']);
    });
    afterAll(() => t.stop());

    test('exactly one decision: one call succeeds, the other 49 are CONFLICT, one decision event', async () => {
      const account = await createAccount(t, tokens.alice, 'Race', 'race-decide.example');
      await addUsersOk(t, tokens.alice, account.id, ['carol'], [accountRole('SMART_ACCOUNT_ADMIN')]);
      const request = await requestAccessOk(t, tokens.bob, 'race-decide.example');

      // Two admins, approving (each with other roles) and declining, all at once.
      const calls = Array.from({ length: 50 }, (_, i) => {
        const admin = i % 2 === 0 ? tokens.alice : tokens.carol;
        return i % 3 === 0
          ? decline(t, admin, request.id, `decline ${i}`)
          : approve(t, admin, request.id, [
              i % 4 === 0 ? accountRole('SMART_ACCOUNT_USER') : accountRole('SMART_ACCOUNT_VIEWER'),
            ]);
      });
      const responses = await Promise.all(calls);

      const winners = responses.filter((response) => response.errors === undefined);
      expect(winners).toHaveLength(1);
      expect(responses.map(codeOf).filter((code) => code !== undefined)).toEqual(
        Array.from({ length: 49 }, () => 'CONFLICT'),
      );
      const [winner] = winners;
      const decided: RequestView | undefined =
        winner.data && 'approveAccessRequest' in winner.data
          ? winner.data.approveAccessRequest
          : (winner.data as { declineAccessRequest: RequestView } | null | undefined)?.declineAccessRequest;
      if (decided === undefined) throw new Error(`no decision in ${JSON.stringify(winner.data)}`);

      const { decisions, added } = decisionEvents(await t.allEvents(), account.id, request.id, 'bob');
      expect(decisions).toHaveLength(1);
      const [decision] = decisions;
      expect(decided.status).toBe(decision.type === 'AccessApproved' ? 'APPROVED' : 'DECLINED');

      // The read side agrees with the one decision.
      const now = dataOf(
        await t.gql<{ accessRequest: RequestView }>(tokens.bob, ACCESS_REQUEST, { id: request.id }),
      ).accessRequest;
      expect(now).toMatchObject({ status: decided.status, decidedBy: decided.decidedBy });
      if (decision.type === 'AccessApproved') {
        expect(added).toHaveLength(1);
        expect(added[0].data.roles).toEqual(decision.data.roles);
        expect((await myRoles(t, tokens.bob, account.id))?.map((r) => r.role)).toEqual(
          (decision.data.roles as Array<{ role: string }>).map((r) => r.role),
        );
      } else {
        expect(added).toEqual([]);
        expect(await myRoles(t, tokens.bob, account.id)).toBeNull();
      }
    });
  });

  describe('a crash after the approval was appended, before the read models had it', () => {
    const dataDir = tempDir('saas-crash-');
    let first: TestApp | null = null;
    let second: TestApp | null = null;

    afterAll(async () => {
      await first?.stop();
      await second?.stop();
      dataDir.remove();
    });

    test('after a restart on the same DATA_DIR the request is APPROVED, the access is there, once', async () => {
      first = await startTestApp({}, { dataDir: dataDir.dir });
      const tokens = await signInAll(first, ['alice', 'bob']);
      const account = await createAccount(first, tokens.alice, 'Crash', 'crash.example');
      const request = await requestAccessOk(first, tokens.bob, 'crash.example');
      const roles = [
        accountRole('SMART_ACCOUNT_VIEWER'),
        vaRole('VIRTUAL_ACCOUNT_USER', account.defaultVaId),
      ];

      // From now on no read model commits anything: the process "dies" right after its next append.
      const store = first.app.readModels;
      store.commit = async () => {
        throw new Error('simulated crash before the read models commit');
      };
      const answer = approve(first, tokens.alice, request.id, roles);
      const crashed = first;
      const approvedInLog = async () =>
        decisionEvents(await crashed.allEvents(), account.id, request.id, 'bob').decisions.length > 0;
      await waitUntil(approvedInLog, 5000);
      // The read models never got it (whatever the response said, it could not have been read back).
      const stale = await first.app.readModels.get<{ status: string }>(`access-request:${request.id}`);
      expect(stale?.status).toBe('PENDING');
      // The crash: the projections stop for good; the pending response ends, the process goes.
      await first.app.projector.stop();
      // The answer admits it could not read the change back rather than show the stale PENDING.
      const answered = await answer;
      expect(codeOf(answered)).toBe('INTERNAL_SERVER_ERROR');
      expect(answered.data ?? null).toBeNull();
      await first.stop();
      first = null;

      second = await startTestApp({}, { dataDir: dataDir.dir });
      const again = second;
      const after = dataOf(
        await again.gql<{ accessRequest: RequestView }>(tokens.bob, ACCESS_REQUEST, { id: request.id }),
      ).accessRequest;
      expect(after).toMatchObject({
        status: 'APPROVED',
        decidedBy: 'alice',
        grantedRoles: [
          { role: 'SMART_ACCOUNT_VIEWER', virtualAccount: null },
          { role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: { id: account.defaultVaId } },
        ],
      });
      expect(await myRoles(again, tokens.bob, account.id)).toEqual([
        { role: 'SMART_ACCOUNT_VIEWER', virtualAccount: null, viaGroup: null },
        { role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: { id: account.defaultVaId }, viaGroup: null },
      ]);
      const users = dataOf(
        await again.gql<{ smartAccount: { users: { nodes: Array<{ profile: { userId: string } }> } } }>(
          tokens.alice,
          USERS_PAGE,
          { id: account.id },
        ),
      ).smartAccount.users.nodes.map((node) => node.profile.userId);
      expect(users.sort()).toEqual(['alice', 'bob']);

      // One append: the approval and the access it gives, side by side, from the one request.
      const { decisions, added } = decisionEvents(await again.allEvents(), account.id, request.id, 'bob');
      expect(decisions.map((e) => e.type)).toEqual(['AccessApproved']);
      expect(added).toHaveLength(1);
      expect(added[0].revision).toBe(decisions[0].revision + 1);
      expect(decisions[0].metadata.correlationId).toEqual(expect.any(String));
      expect(added[0].metadata.correlationId).toBe(decisions[0].metadata.correlationId);

      // Retrying the approval (or declining) after the restart is a CONFLICT and appends nothing.
      for (const retry of [
        () => approve(again, tokens.alice, request.id, roles),
        () => decline(again, tokens.alice, request.id),
      ]) {
        let code: unknown;
        const appended = await appendedDuring(again, async () => {
          code = codeOf(await retry());
        });
        expect(code).toBe('CONFLICT');
        expect(appended).toEqual([]);
      }
    });
  });
});
