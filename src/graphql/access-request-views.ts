import type { AccessRequestDoc, ExternalGrantDoc, RequestPage } from '../../projections/access-requests';
import type { AppApi, Queries } from '../app/api';
import { canReadAccessRequest } from '../domain/account';
import type { Actor } from '../domain/decider';
import { toGroupAccess } from './account-views';
import { AccessRequest, ExternalGroupGrant } from './types/access-request';
import { toConnection, type Connection } from './types/connection';

/** Whether `actor` may see the request now: its requester, or who may read the target's requests. */
export async function mayReadRequest(app: AppApi, actor: Actor, doc: AccessRequestDoc): Promise<boolean> {
  if (doc.requesterId === actor.userId) return true;
  const state = await app.access.state(doc.accountId);
  const external = await app.access.externalRolesFor(actor.userId, state);
  return canReadAccessRequest(state, actor, doc.id, external);
}

export async function readableRequest(app: AppApi, actor: Actor, id: string): Promise<AccessRequest | null> {
  const doc = await app.queries.accessRequests.byId(id);
  if (!doc || !(await mayReadRequest(app, actor, doc))) return null;
  return AccessRequest.from(doc);
}

/** A page of requests as a connection. */
export function toRequestConnection(page: RequestPage, size: number): Connection<AccessRequest> {
  const items = page.items.map(({ seq, doc }) => ({ seq, node: AccessRequest.from(doc) }));
  return toConnection(items, size, page.totalCount);
}

export async function toExternalGrants(
  queries: Queries,
  grants: readonly ExternalGrantDoc[],
): Promise<ExternalGroupGrant[]> {
  return Promise.all(
    grants.map(async (grant) => {
      const target = await queries.accounts.account(grant.toAccountId);
      return Object.assign(new ExternalGroupGrant(), {
        ...grant,
        toAccountName: target?.name ?? grant.toAccountName,
        access: toGroupAccess(target?.virtualAccounts ?? [], grant.access),
        doc: grant,
      });
    }),
  );
}
