import { accessRequestQueries, accessRequestTopics } from '../../projections/access-requests';
import { directoryProjection } from '../../projections/directory';
import {
  PARTNERS,
  REQUESTING_ACCOUNT,
  T0,
  after,
  approve,
  decided,
  decline,
  grant,
  requestAccess,
  requestGroupAccess,
  revoke,
} from '../domain/account/access-fixtures';
import { ACCOUNT, SALES_VA } from '../domain/account/fixtures';
import { team } from '../domain/account/groups-fixtures';
import { givenEvents } from '../support/projection-spec';

const requested = decided(team, requestAccess());

describe('access requests projection', () => {
  test('a request is filed PENDING with its account, and announced on its three topics', async () => {
    const { reads, notifications } = await givenEvents(directoryProjection, requested);
    const doc = await accessRequestQueries(reads).byId('req-1');
    expect(doc).toMatchObject({
      id: 'req-1',
      lookupId: 'LKUP-0001',
      kind: 'USER',
      status: 'PENDING',
      requesterId: 'rita',
      accountId: ACCOUNT,
      accountName: 'Acme',
      domainIdentifier: 'acme.com',
      createdAt: T0,
      seq: 1,
    });
    expect(notifications.map((n) => n.topic)).toEqual([
      accessRequestTopics.request('req-1'),
      accessRequestTopics.requester('rita'),
      accessRequestTopics.account(ACCOUNT),
    ]);
    expect(notifications.map((n) => n.payload)).toEqual([doc, doc, doc]);
  });

  test('pages by account and requester, each narrowed by status; a decision moves the request', async () => {
    const history = decided(
      decided(requested, approve()),
      requestAccess(
        { requestId: 'req-2', lookupId: 'LKUP-0002' },
        { userId: 'ron', platformRoles: [], supportCaseId: null },
      ),
    );
    const { reads } = await givenEvents(
      directoryProjection,
      decided(history, decline({ requestId: 'req-2' })),
    );
    const requests = accessRequestQueries(reads);
    const ids = async (page: ReturnType<typeof requests.pageOfAccount>) =>
      (await page).items.map((i) => i.doc.id);
    expect(await ids(requests.pageOfAccount(ACCOUNT, null, { size: 10 }))).toEqual(['req-1', 'req-2']);
    expect(await ids(requests.pageOfAccount(ACCOUNT, 'APPROVED', { size: 10 }))).toEqual(['req-1']);
    expect(await ids(requests.pageOfAccount(ACCOUNT, 'DECLINED', { size: 10 }))).toEqual(['req-2']);
    expect(await ids(requests.pageOfAccount(ACCOUNT, 'PENDING', { size: 10 }))).toEqual([]);
    expect(await ids(requests.pageOfRequester('ron', null, { size: 10 }))).toEqual(['req-2']);
    expect(await ids(requests.pageOfAccount(ACCOUNT, null, { size: 1, afterSeq: 1 }))).toEqual(['req-2']);
    expect((await requests.byId('req-1'))?.status).toBe('APPROVED');
  });

  test('an external grant is listed on the target account and on the group; revoking removes both', async () => {
    const access = [{ virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' }];
    const granted = decided(decided(team, requestGroupAccess()), grant(access));
    const { reads } = await givenEvents(directoryProjection, granted);
    const grantDoc = {
      groupId: PARTNERS,
      groupName: 'Partners',
      fromAccountId: REQUESTING_ACCOUNT,
      fromAccountName: 'Globex',
      toAccountId: ACCOUNT,
      toAccountName: 'Acme',
      access,
      grantedAt: after(7200),
      grantedBy: 'alice',
    };
    expect(await accessRequestQueries(reads).grantsTo(ACCOUNT)).toEqual([grantDoc]);
    expect(await accessRequestQueries(reads).grantsOfGroup(REQUESTING_ACCOUNT, PARTNERS)).toEqual([grantDoc]);

    const revoked = await givenEvents(directoryProjection, decided(granted, revoke()));
    expect(await accessRequestQueries(revoked.reads).grantsTo(ACCOUNT)).toEqual([]);
    expect(await accessRequestQueries(revoked.reads).grantsOfGroup(REQUESTING_ACCOUNT, PARTNERS)).toEqual([]);
  });
});
