import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, type NonEmptyArray } from 'type-graphql';
import { AccountUserFields, SmartAccountFields, UserGroupFields } from './resolvers/account-fields';
import { AccountResolver } from './resolvers/account-resolver';
import { GroupResolver } from './resolvers/group-resolver';
import { ProfileResolver } from './resolvers/profile-resolver';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const resolvers: NonEmptyArray<Function> = [
  ProfileResolver,
  AccountResolver,
  GroupResolver,
  SmartAccountFields,
  AccountUserFields,
  UserGroupFields,
];

export function buildGraphQLSchema(): GraphQLSchema {
  return buildSchemaSync({ resolvers, validate: false });
}

/** The text committed as schema/schema.graphql. */
export function printServedSchema(schema: GraphQLSchema = buildGraphQLSchema()): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
