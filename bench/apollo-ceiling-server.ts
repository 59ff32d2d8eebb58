import { createServer } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { GraphQLObjectType, buildSchema } from 'graphql';
import { CompiledOperations } from '../src/server/compiled-operations';
import { jitGateway } from '../src/server/jit-gateway';

/**
 * The fastest answer Apollo Server 5 gives to the side-by-side users-page query on this
 * machine: the same response shape from a static array, no auth, no event sourcing, no read
 * models, no limits or logs; graphql-jit as the executor (as this project), compact JSON,
 * Node's HTTP server with no framework. What is left is Apollo's own per-request work.
 */
const schema = buildSchema(`
  type Profile { userId: ID! email: String! name: String! }
  type RoleAssignment { role: String! }
  type AccountUser { profile: Profile! directRoles: [RoleAssignment!]! addedAt: String! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type AccountUserConnection { nodes: [AccountUser!]! pageInfo: PageInfo! totalCount: Int! }
  type SmartAccount { id: ID! users(first: Int = 50): AccountUserConnection! }
  type Query { smartAccount(id: ID!): SmartAccount }
`);
const users = Array.from({ length: 10_000 }, (_, i) => ({
  profile: { userId: `user${String(i).padStart(5, '0')}`, email: `user${i}@example.com`, name: `User ${i}` },
  directRoles: [{ role: 'SMART_ACCOUNT_VIEWER' }],
  addedAt: new Date(0).toISOString(),
}));
const account = {
  id: 'acct-1',
  users: ({ first }: { first: number }) => ({
    nodes: users.slice(0, first),
    totalCount: users.length,
    pageInfo: { hasNextPage: first < users.length, endCursor: users[first - 1]?.profile.userId },
  }),
};
const smartAccountType = schema.getType('SmartAccount');
const smartAccountField = schema.getQueryType()?.getFields().smartAccount;
if (!(smartAccountType instanceof GraphQLObjectType) || !smartAccountField) throw new Error('schema');
smartAccountField.resolve = (_root, args: { id: string }) => (args.id === account.id ? account : null);
smartAccountType.getFields().users.resolve = (root: typeof account, args: { first: number }) =>
  root.users(args);

async function main(): Promise<void> {
  const apollo = new ApolloServer({
    gateway: jitGateway(schema, new CompiledOperations(schema)),
    stringifyResult: (result) => JSON.stringify(result),
    // As this project: no cache-control hints, no landing page, production mode.
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
    nodeEnv: 'production',
  });
  await apollo.start();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string') headers.set(name, value);
      apollo
        .executeHTTPGraphQLRequest({
          httpGraphQLRequest: {
            method: req.method ?? 'POST',
            headers,
            search: '',
            body: JSON.parse(Buffer.concat(chunks).toString()) as unknown,
          },
          context: async () => ({}),
        })
        .then(
          (response) => {
            res.statusCode = response.status ?? 200;
            for (const [name, value] of response.headers) res.setHeader(name, value);
            res.end(response.body.kind === 'complete' ? response.body.string : '');
          },
          (error: unknown) => res.destroy(error as Error),
        );
    });
  });
  server.listen(Number(process.env.PORT ?? 4805), '127.0.0.1', () => process.stdout.write('ready\n'));
}

void main();
