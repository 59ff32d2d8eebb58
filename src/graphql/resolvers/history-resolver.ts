import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { AccountDoc } from '../../../projections/accounts';
import { accountNotFound, effectiveRoles } from '../../domain/account/permissions';
import { requireHistoryReader } from '../../app/history-access';
import { parseHistoryFilter, parseMoment } from '../../history/filter-input';
import { toRoleAssignments } from '../account-views';
import { signedInCaller, type GraphQLContext } from '../context';
import { toDiff, toHistoryEntry, toSnapshot } from '../history-views';
import { DateTimeScalar } from '../scalars';
import { AccessRequest } from '../types/access-request';
import { AccountUser, SmartAccount } from '../types/account';
import { decodeCursor, pageSize, toConnection, type Connection } from '../types/connection';
import {
  AccessReason,
  HistoryConnection,
  HistoryEntry,
  HistoryFilter,
  SmartAccountDiff,
  SmartAccountSnapshot,
} from '../types/history';

/** Authorizes a history read and loads the account's document (NOT_FOUND / FORBIDDEN like other reads). */
async function historyOf(context: GraphQLContext, accountId: string): Promise<AccountDoc> {
  await requireHistoryReader(context.app.access, signedInCaller(context).actor, accountId);
  const doc = await context.app.queries.accounts.account(accountId);
  if (!doc) throw accountNotFound();
  return doc;
}

@Resolver(() => SmartAccount)
export class SmartAccountHistoryFields {
  @FieldResolver(() => HistoryConnection, {
    description: "The account's full event history, oldest first unless filter.newestFirst.",
  })
  async history(
    @Root() account: SmartAccount,
    @Ctx() context: GraphQLContext,
    @Arg('filter', () => HistoryFilter, { nullable: true }) filter?: HistoryFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<HistoryEntry>> {
    const doc = await historyOf(context, account.id);
    const size = pageSize(first, 100);
    const page = await context.app.history.page(account.id, parseHistoryFilter(filter ?? {}), {
      first: size,
      after: decodeCursor(after),
      newestFirst: filter?.newestFirst ?? false,
    });
    const items = page.items.map(({ seq, node }) => ({ seq, node: toHistoryEntry(doc, node) }));
    return toConnection(items, size, page.totalCount);
  }
}

@Resolver(() => AccountUser)
export class AccountUserReasonFields {
  @FieldResolver(() => [AccessReason], {
    description:
      'Why the user holds each effective role: the path and the events that gave it. Same readers as `history`.',
  })
  async accessReasons(@Root() user: AccountUser, @Ctx() context: GraphQLContext): Promise<AccessReason[]> {
    const { app } = context;
    const access = await requireHistoryReader(app.access, signedInCaller(context).actor, user.account.id);
    const external = await app.access.externalRolesFor(user.doc.userId, access.state);
    const roles = effectiveRoles(access.state, user.doc.userId, external);
    const reasons = await app.history.reasons(user.account.id, user.doc.userId, roles);
    const assignments = await toRoleAssignments(
      app.queries,
      user.account,
      reasons.map((reason) => reason.role),
      true,
    );
    const requestIds = [
      ...new Set(reasons.flatMap((r) => (r.accessRequestId === null ? [] : [r.accessRequestId]))),
    ];
    const docs = await Promise.all(requestIds.map((id) => app.queries.accessRequests.byId(id)));
    const requests = new Map(requestIds.map((id, index) => [id, docs[index]]));
    return reasons.map((reason, index) => {
      const request = reason.accessRequestId === null ? undefined : requests.get(reason.accessRequestId);
      return Object.assign(new AccessReason(), {
        role: assignments[index],
        path: reason.path,
        grantedBy: reason.grantedBy.map((entry) => toHistoryEntry(user.account, entry)),
        accessRequest: request ? AccessRequest.from(request) : null,
      });
    });
  }
}

@Resolver()
export class HistoryQueries {
  @Query(() => SmartAccountSnapshot, {
    description: 'Rebuild the account as it stood at `at` (or at `revision`) by replaying its events.',
  })
  async smartAccountAsOf(
    @Arg('accountId', () => ID) accountId: string,
    @Ctx() context: GraphQLContext,
    @Arg('at', () => DateTimeScalar, { nullable: true }) at?: string | null,
    @Arg('revision', () => Int, { nullable: true }) revision?: number | null,
  ): Promise<SmartAccountSnapshot> {
    const doc = await historyOf(context, accountId);
    const snapshot = await context.app.history.asOf(accountId, {
      atMs: at == null ? undefined : parseMoment(at, 'at'),
      revision: revision ?? undefined,
    });
    return toSnapshot(doc, snapshot);
  }

  @Query(() => SmartAccountDiff, {
    description:
      'Who gained, lost or changed effective access between `from` and `to` (default: now). Same readers as `history`.',
  })
  async smartAccountDiff(
    @Arg('accountId', () => ID) accountId: string,
    @Arg('from', () => DateTimeScalar) from: string,
    @Ctx() context: GraphQLContext,
    @Arg('to', () => DateTimeScalar, { nullable: true }) to?: string | null,
  ): Promise<SmartAccountDiff> {
    const doc = await historyOf(context, accountId);
    const diff = await context.app.history.diff(accountId, {
      fromMs: parseMoment(from, 'from'),
      toMs: to == null ? undefined : parseMoment(to, 'to'),
    });
    return toDiff(doc, diff);
  }
}
