import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { accountNotFound } from '../../domain/account/permissions';
import { badInput } from '../../domain/errors';
import { decodePosition } from '../../eventstore/position';
import type { Position } from '../../eventstore/port';
import { mayReadHistory, requireHistoryReader } from '../../app/history-access';
import type { HistoryEntryData } from '../../history/entry';
import { signedInCaller, type GraphQLContext } from '../context';
import { toHistoryEntry } from '../history-views';
import { HistoryEntry } from '../types/history';

type Args = { accountId: string; afterPosition?: string | null };

function positionOf(text: string | null | undefined): Position | null {
  if (text === null || text === undefined) return null;
  try {
    return decodePosition(text);
  } catch {
    throw badInput('afterPosition is not a position from this history', 'afterPosition');
  }
}

/** Replays the store after `afterPosition`, then follows; access is checked again before each batch. */
async function subscribeToHistory({ args, context }: SubscribeResolverData<unknown, Args, GraphQLContext>) {
  const { actor } = signedInCaller(context);
  const after = positionOf(args.afterPosition);
  const { app } = context;
  await requireHistoryReader(app.access, actor, args.accountId);
  return app.history.follow(args.accountId, after, () => mayReadHistory(app.access, actor, args.accountId));
}

@Resolver()
export class HistorySubscriptions {
  @Subscription(() => HistoryEntry, {
    description:
      "The account's events as they happen; for whoever may read its history. With\n`afterPosition` (a HistoryEntry.position seen before), first every later event, then\nthe live ones: a client that reconnects with its last position misses nothing and\ngets nothing twice.",
    subscribe: (data) => subscribeToHistory(data as SubscribeResolverData<unknown, Args, GraphQLContext>),
  })
  async accountHistoryAppended(
    @Arg('accountId', () => ID) accountId: string,
    @Root() entry: HistoryEntryData,
    @Ctx() context: GraphQLContext,
    @Arg('afterPosition', () => String, { nullable: true }) _afterPosition?: string | null,
  ): Promise<HistoryEntry> {
    const doc = await context.app.queries.accounts.account(accountId);
    if (!doc) throw accountNotFound();
    return toHistoryEntry(doc, entry);
  }
}
