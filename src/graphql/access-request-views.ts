import {
  accessRequestKey,
  type AccessRequestDoc,
  type AccessRequestStatus,
  type ExternalGrantDoc,
} from '../../projections/access-requests';
import { accountDecider, accountStreamId, canReadAccessRequest } from '../domain/account';
import type { Actor } from '../domain/decider';
import type { ReadModelReader } from '../readmodel/port';
import type { AppServices } from '../app/services';
import { AccessRequest, ExternalGroupGrant } from './types/access-request';
import { GroupVirtualAccountAccess, VirtualAccount } from './types/account';
import { decodeCursor, pageSize, toConnection, type Connection } from './types/connection';
import { loadAccountDoc } from './account-views';

/** Whether `actor` may see the request now: its requester, or who may read the target's requests. */
export async function mayReadRequest(
  app: AppServices,
  actor: Actor,
  doc: AccessRequestDoc,
): Promise<boolean> {
  if (doc.requesterId === actor.userId) return true;
  const state = await app.state(accountDecider, accountStreamId(doc.accountId));
  const external = await app.accounts.externalRolesFor(actor.userId, state);
  return canReadAccessRequest(state, actor, doc.id, external);
}

export async function readableRequest(
  app: AppServices,
  actor: Actor,
  id: string,
): Promise<AccessRequest | null> {
  const doc = await app.reads.get<AccessRequestDoc>(accessRequestKey(id));
  if (!doc || !(await mayReadRequest(app, actor, doc))) return null;
  return AccessRequest.from(doc);
}

/** A page of request IDs from a sorted set (by seq), as a connection. */
export async function requestPage(
  reads: ReadModelReader,
  setKey: string,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<AccessRequest>> {
  const size = pageSize(first);
  const [range, totalCount] = await Promise.all([
    reads.sortedRange(setKey, { afterScore: decodeCursor(after), limit: size + 1 }),
    reads.sortedCount(setKey),
  ]);
  const docs = await reads.getMany<AccessRequestDoc>(range.map((entry) => accessRequestKey(entry.member)));
  const items = range.flatMap((entry, index) => {
    const doc = docs[index];
    return doc ? [{ seq: entry.score, node: AccessRequest.from(doc) }] : [];
  });
  return toConnection(items, size, totalCount);
}

export type StatusFilter = AccessRequestStatus | null | undefined;

export async function toExternalGrants(reads: ReadModelReader, grants: readonly ExternalGrantDoc[]) {
  return Promise.all(
    grants.map(async (grant) => {
      const target = await loadAccountDoc(reads, grant.toAccountId);
      const virtualAccounts = new Map((target?.virtualAccounts ?? []).map((va) => [va.id, va]));
      const access = grant.access.flatMap((a) => {
        const va = virtualAccounts.get(a.virtualAccountId);
        return va
          ? [
              Object.assign(new GroupVirtualAccountAccess(), {
                virtualAccount: VirtualAccount.from(va),
                role: a.role,
              }),
            ]
          : [];
      });
      return Object.assign(new ExternalGroupGrant(), {
        ...grant,
        toAccountName: target?.name ?? grant.toAccountName,
        access,
        doc: grant,
      });
    }),
  );
}
