import type { AccessRequestState, AccessRequestStatus } from '../src/domain/account/access-request-state';
import type { AccountEvent, GroupAccess } from '../src/domain/account/events';
import type { StoredEvent } from '../src/eventstore/port';
import type { ReadModelReader } from '../src/readmodel/port';
import type { ProjectionTx } from '../src/readmodel/projection';
import { accountKey, type AccountDoc } from './accounts';

export type { AccessRequestStatus };

/** The request as the aggregate knows it, plus what the API shows of its account. */
export type AccessRequestDoc = AccessRequestState & {
  accountId: string;
  accountName: string;
  domainIdentifier: string;
  /** Order of filing, for stable cursors. */
  seq: number;
};

export type ExternalGrantDoc = {
  groupId: string;
  groupName: string;
  fromAccountId: string;
  fromAccountName: string;
  toAccountId: string;
  toAccountName: string;
  access: GroupAccess[];
  grantedAt: string;
  grantedBy: string;
};

const accessRequestKey = (id: string): string => `access-request:${id}`;
const SEQ_KEY = 'access-request-seq';
/** Sorted sets of request IDs by seq; with a status, only the requests in that status. */
const accountRequestsKey = (accountId: string, status?: AccessRequestStatus | null): string =>
  status ? `account-requests:${accountId}:${status}` : `account-requests:${accountId}`;
const userRequestsKey = (userId: string, status?: AccessRequestStatus | null): string =>
  status ? `user-requests:${userId}:${status}` : `user-requests:${userId}`;
/** Grants of other accounts' groups on this account. */
const accountExternalGrantsKey = (accountId: string): string => `account-external-grants:${accountId}`;
/** Where one group has been granted access (keyed by its own account). */
const groupGrantsKey = (fromAccountId: string, groupId: string): string =>
  `group-grants:${fromAccountId}:${groupId}`;

/** Live-update topics: one request, one requester's requests, one account's requests. */
const requestTopic = (id: string): string => `access-request:${id}`;
const requesterTopic = (userId: string): string => `my-access-requests:${userId}`;
const accountRequestsTopic = (accountId: string): string => `account-access-requests:${accountId}`;

export const ACCESS_REQUEST_KEY_PREFIXES = [
  'access-request:',
  SEQ_KEY,
  'account-requests:',
  'user-requests:',
  'account-external-grants:',
  'group-grants:',
];

function save(tx: ProjectionTx, previous: AccessRequestDoc | null, doc: AccessRequestDoc): void {
  tx.set(accessRequestKey(doc.id), doc);
  if (previous && previous.status !== doc.status) {
    tx.sortedRemove(accountRequestsKey(doc.accountId, previous.status), doc.id);
    tx.sortedRemove(userRequestsKey(doc.requesterId, previous.status), doc.id);
  }
  if (!previous || previous.status !== doc.status) {
    tx.sortedAdd(accountRequestsKey(doc.accountId, doc.status), doc.id, doc.seq);
    tx.sortedAdd(userRequestsKey(doc.requesterId, doc.status), doc.id, doc.seq);
  }
  tx.notify(requestTopic(doc.id), doc);
  tx.notify(requesterTopic(doc.requesterId), doc);
  tx.notify(accountRequestsTopic(doc.accountId), doc);
}

async function update(
  tx: ProjectionTx,
  requestId: string,
  change: (doc: AccessRequestDoc) => Partial<AccessRequestDoc>,
): Promise<void> {
  const doc = await tx.get<AccessRequestDoc>(accessRequestKey(requestId));
  if (!doc) throw new Error(`read model is missing access request ${requestId}`);
  save(tx, doc, { ...doc, ...change(doc) });
}

async function setGrants(
  tx: ProjectionTx,
  key: string,
  change: (grants: ExternalGrantDoc[]) => ExternalGrantDoc[],
) {
  const next = change((await tx.get<ExternalGrantDoc[]>(key)) ?? []);
  if (next.length === 0) tx.del(key);
  else tx.set(key, next);
}

export async function applyAccessRequestEvent(stored: StoredEvent, tx: ProjectionTx): Promise<void> {
  const event = { type: stored.type, data: stored.data } as AccountEvent;
  switch (event.type) {
    case 'AccessRequested': {
      const d = event.data;
      const account = await tx.get<AccountDoc>(accountKey(d.accountId));
      const seq = ((await tx.get<number>(SEQ_KEY)) ?? 0) + 1;
      tx.set(SEQ_KEY, seq);
      tx.sortedAdd(accountRequestsKey(d.accountId), d.requestId, seq);
      tx.sortedAdd(userRequestsKey(d.requesterId), d.requestId, seq);
      save(tx, null, {
        id: d.requestId,
        lookupId: d.lookupId,
        kind: d.kind,
        status: 'PENDING',
        reason: d.reason,
        requesterId: d.requesterId,
        requestingGroupId: d.requestingGroupId,
        requestingGroupName: d.requestingGroupName,
        requestingAccountId: d.requestingAccountId,
        requestingAccountName: d.requestingAccountName,
        accountId: d.accountId,
        accountName: account?.name ?? '',
        domainIdentifier: account?.domainIdentifier ?? '',
        createdAt: d.createdAt,
        updatedAt: d.createdAt,
        remindersSent: 0,
        lastReminderAt: null,
        nextReminderAllowedAt: d.nextReminderAllowedAt,
        decidedBy: null,
        decidedAt: null,
        decisionMessage: null,
        grantedRoles: [],
        seq,
      });
      return;
    }
    case 'AccessReminderSent': {
      const { requestId, sentAt, remindersSent, nextReminderAllowedAt } = event.data;
      await update(tx, requestId, () => ({
        remindersSent,
        lastReminderAt: sentAt,
        nextReminderAllowedAt,
        updatedAt: sentAt,
      }));
      return;
    }
    case 'AccessApproved':
    case 'AccessDeclined': {
      const { requestId, message, decidedBy, decidedAt } = event.data;
      const approved = event.type === 'AccessApproved';
      await update(tx, requestId, () => ({
        status: approved ? 'APPROVED' : 'DECLINED',
        decidedBy,
        decidedAt,
        decisionMessage: message,
        nextReminderAllowedAt: null,
        updatedAt: decidedAt,
        grantedRoles: approved && event.type === 'AccessApproved' ? event.data.roles : [],
      }));
      return;
    }
    case 'AccessRequestCancelled': {
      const { requestId, cancelledAt } = event.data;
      await update(tx, requestId, () => ({
        status: 'CANCELLED',
        nextReminderAllowedAt: null,
        updatedAt: cancelledAt,
      }));
      return;
    }
    case 'ExternalGroupAccessGranted': {
      const d = event.data;
      await update(tx, d.requestId, () => ({
        status: 'APPROVED',
        decidedBy: d.grantedBy,
        decidedAt: d.grantedAt,
        decisionMessage: d.message,
        nextReminderAllowedAt: null,
        updatedAt: d.grantedAt,
        grantedRoles: d.access.map((a) => ({ role: a.role, virtualAccountId: a.virtualAccountId })),
      }));
      const account = await tx.get<AccountDoc>(accountKey(d.accountId));
      const grant: ExternalGrantDoc = {
        groupId: d.groupId,
        groupName: d.groupName,
        fromAccountId: d.fromAccountId,
        fromAccountName: d.fromAccountName,
        toAccountId: d.accountId,
        toAccountName: account?.name ?? '',
        access: d.access,
        grantedAt: d.grantedAt,
        grantedBy: d.grantedBy,
      };
      const others = (grants: ExternalGrantDoc[]) =>
        grants.filter((g) => !(g.groupId === d.groupId && g.toAccountId === d.accountId));
      await setGrants(tx, accountExternalGrantsKey(d.accountId), (grants) => [...others(grants), grant]);
      await setGrants(tx, groupGrantsKey(d.fromAccountId, d.groupId), (grants) => [...others(grants), grant]);
      return;
    }
    case 'ExternalGroupAccessRevoked': {
      const { accountId, groupId, fromAccountId } = event.data;
      const others = (grants: ExternalGrantDoc[]) =>
        grants.filter((g) => !(g.groupId === groupId && g.toAccountId === accountId));
      await setGrants(tx, accountExternalGrantsKey(accountId), others);
      await setGrants(tx, groupGrantsKey(fromAccountId, groupId), others);
      return;
    }
    default:
      return;
  }
}

/** Live-update topics the projection announces changes on (payload: the AccessRequestDoc). */
export const accessRequestTopics = {
  request: requestTopic,
  requester: requesterTopic,
  account: accountRequestsTopic,
};

export interface RequestPage {
  /** One more than asked for when there is a next page. */
  items: Array<{ seq: number; doc: AccessRequestDoc }>;
  totalCount: number;
}

async function requestPage(
  reads: ReadModelReader,
  setKey: string,
  page: { afterSeq?: number; size: number },
): Promise<RequestPage> {
  const [range, totalCount] = await Promise.all([
    reads.sortedRange(setKey, { afterScore: page.afterSeq, limit: page.size + 1 }),
    reads.sortedCount(setKey),
  ]);
  const docs = await reads.getMany<AccessRequestDoc>(range.map((entry) => accessRequestKey(entry.member)));
  const items = range.flatMap((entry, index) => {
    const doc = docs[index];
    return doc ? [{ seq: entry.score, doc }] : [];
  });
  return { items, totalCount };
}

type StatusFilter = AccessRequestStatus | null | undefined;

/** What the API and the application ask of access requests and external group grants. */
export function accessRequestQueries(reads: ReadModelReader) {
  return {
    byId: (requestId: string): Promise<AccessRequestDoc | undefined> =>
      reads.get<AccessRequestDoc>(accessRequestKey(requestId)),
    /** A requester's own requests, in the order they were filed. */
    pageOfRequester: (userId: string, status: StatusFilter, page: { afterSeq?: number; size: number }) =>
      requestPage(reads, userRequestsKey(userId, status), page),
    /** The requests to one account, in the order they were filed. */
    pageOfAccount: (accountId: string, status: StatusFilter, page: { afterSeq?: number; size: number }) =>
      requestPage(reads, accountRequestsKey(accountId, status), page),
    /** Grants of other accounts' groups on this account. */
    grantsTo: async (accountId: string): Promise<ExternalGrantDoc[]> =>
      (await reads.get<ExternalGrantDoc[]>(accountExternalGrantsKey(accountId))) ?? [],
    /** Where one group (of `fromAccountId`) has been granted access. */
    grantsOfGroup: async (fromAccountId: string, groupId: string): Promise<ExternalGrantDoc[]> =>
      (await reads.get<ExternalGrantDoc[]>(groupGrantsKey(fromAccountId, groupId))) ?? [],
  };
}

export type AccessRequestQueries = ReturnType<typeof accessRequestQueries>;
