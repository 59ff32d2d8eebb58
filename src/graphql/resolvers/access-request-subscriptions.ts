import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { accessRequestTopics, type AccessRequestDoc } from '../../../projections/access-requests';
import { forbiddenTo } from '../../domain/account';
import { notFound } from '../../domain/errors';
import { mayReadRequest } from '../access-request-views';
import { signedInCaller, type GraphQLContext } from '../context';
import { filterAsync } from '../filtered-iterator';
import { AccessRequest } from '../types/access-request';

type Data<Args> = SubscribeResolverData<unknown, Args, GraphQLContext>;

/** Every update is checked against the subscriber's access at that moment, not only at subscribe time. */
async function subscribeToRequest({ args, context }: Data<{ id: string }>) {
  const { actor } = signedInCaller(context);
  const doc = await context.app.queries.accessRequests.byId(args.id);
  if (!doc || !(await mayReadRequest(context.app, actor, doc))) throw notFound('Access request not found');
  return filterAsync(context.app.live.subscribe(accessRequestTopics.request(args.id)), (update) =>
    mayReadRequest(context.app, actor, update as AccessRequestDoc),
  );
}

async function subscribeToMine({ context }: Data<Record<string, never>>) {
  const { actor } = signedInCaller(context);
  return context.app.live.subscribe(accessRequestTopics.requester(actor.userId));
}

async function subscribeToAccount({ args, context }: Data<{ accountId: string }>) {
  const { actor } = signedInCaller(context);
  const mayRead = async () =>
    (await context.app.access.readAccess(actor, args.accountId))?.readAccessRequests === true;
  const access = await context.app.access.readAccess(actor, args.accountId);
  if (!access) throw notFound('Smart Account not found');
  if (!access.readAccessRequests) throw forbiddenTo('readAccessRequests');
  return filterAsync(context.app.live.subscribe(accessRequestTopics.account(args.accountId)), mayRead);
}

@Resolver()
export class AccessRequestSubscriptions {
  @Subscription(() => AccessRequest, {
    description:
      "Every change of one access request; for its requester and the target account's administrators.",
    subscribe: (data) => subscribeToRequest(data as Data<{ id: string }>),
  })
  accessRequestUpdated(@Arg('id', () => ID) _id: string, @Root() doc: AccessRequestDoc): AccessRequest {
    return AccessRequest.from(doc);
  }

  @Subscription(() => AccessRequest, {
    description: "Every change of any of the caller's own access requests.",
    subscribe: (data) => subscribeToMine(data as Data<Record<string, never>>),
  })
  myAccessRequestsUpdated(@Root() doc: AccessRequestDoc, @Ctx() _context: GraphQLContext): AccessRequest {
    return AccessRequest.from(doc);
  }

  @Subscription(() => AccessRequest, {
    description: 'New and changed access requests of an account; for its administrators.',
    subscribe: (data) => subscribeToAccount(data as Data<{ accountId: string }>),
  })
  accountAccessRequestsUpdated(
    @Arg('accountId', () => ID) _accountId: string,
    @Root() doc: AccessRequestDoc,
  ): AccessRequest {
    return AccessRequest.from(doc);
  }
}
