import { createPubSub } from '@graphql-yoga/subscription';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, type NonEmptyArray } from 'type-graphql';
import { AccountUserFields, SmartAccountFields, UserGroupFields } from './resolvers/account-fields';
import {
  AccessRequestResolver,
  SmartAccountRequestFields,
  UserGroupGrantFields,
} from './resolvers/access-request-resolver';
import { AccessRequestSubscriptions } from './resolvers/access-request-subscriptions';
import { AccountResolver } from './resolvers/account-resolver';
import { GroupResolver } from './resolvers/group-resolver';
import {
  AccountUserReasonFields,
  HistoryQueries,
  SmartAccountHistoryFields,
} from './resolvers/history-resolver';
import { HistorySubscriptions } from './resolvers/history-subscription';
import { ProfileResolver } from './resolvers/profile-resolver';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const resolvers: NonEmptyArray<Function> = [
  ProfileResolver,
  AccountResolver,
  GroupResolver,
  AccessRequestResolver,
  SmartAccountRequestFields,
  UserGroupGrantFields,
  AccessRequestSubscriptions,
  SmartAccountFields,
  AccountUserFields,
  UserGroupFields,
  SmartAccountHistoryFields,
  AccountUserReasonFields,
  HistoryQueries,
  HistorySubscriptions,
];

export function buildGraphQLSchema(): GraphQLSchema {
  // Each subscription brings its own `subscribe` (live updates filtered per subscriber);
  // type-graphql still insists on a pub/sub, which stays unused.
  return buildSchemaSync({ resolvers, validate: false, pubSub: createPubSub() });
}

/** The text committed as schema/schema.graphql. */
export function printServedSchema(schema: GraphQLSchema = buildGraphQLSchema()): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
