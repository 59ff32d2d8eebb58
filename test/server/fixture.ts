import type { IncomingMessage } from 'node:http';
import { buildSchema, type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import { DomainError } from '../../src/domain/errors';

/** A tiny schema standing in for the real one: enough to exercise the server shell. */
const typeDefs = /* GraphQL */ `
  type Query {
    hello: String!
    whoami: String!
    deep: Deep!
    domainFailure: String
    conflict: String
    internalFailure: String
    slow: String!
  }

  type Deep {
    level: Int!
    next: Deep!
  }

  type Subscription {
    countdown(from: Int!): Int!
    ticks: Int!
    failingStream: Int!
    internalStream: Int!
    internalEvent: Int
    forbidden: Int!
  }
`;

export interface FixtureContext {
  user: string;
}

export interface Fixture {
  schema: GraphQLSchema;
  /** How many resolvers ran: limits must refuse a request before any does. */
  calls(): number;
  /** Resolves when a `slow` query is running; `releaseSlow` lets it finish. */
  slowStarted: Promise<void>;
  releaseSlow(): void;
  /** Lifetime of the WebSocket token handed out by `wsContext` (null: no expiry). */
  wsTokenLifetimeMs: number | null;
  ready: boolean;
  httpContext(req: IncomingMessage): Promise<FixtureContext>;
  wsContext(
    params: Readonly<Record<string, unknown>> | undefined,
    req: IncomingMessage,
  ): Promise<{ context: FixtureContext; expiresAt: number | null }>;
}

type Resolvers = Record<
  string,
  Record<
    string,
    {
      resolve?: GraphQLFieldResolver<unknown, FixtureContext>;
      subscribe?: GraphQLFieldResolver<unknown, FixtureContext>;
    }
  >
>;

function attach(schema: GraphQLSchema, resolvers: Resolvers): GraphQLSchema {
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`no object type ${typeName}`);
    for (const [fieldName, resolver] of Object.entries(fields)) {
      const field = type.getFields()[fieldName];
      if (!field) throw new Error(`no field ${typeName}.${fieldName}`);
      Object.assign(field, resolver);
    }
  }
  return schema;
}

const authenticate = (authorization: unknown): FixtureContext => {
  if (authorization !== 'Bearer good') throw new DomainError('UNAUTHENTICATED', 'Invalid or missing token');
  return { user: 'alice' };
};

async function* forever(): AsyncGenerator<number> {
  for (let tick = 0; ; tick += 1) {
    yield tick;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function createFixture(): Fixture {
  let calls = 0;
  let markSlowStarted = (): void => undefined;
  let releaseSlow = (): void => undefined;
  const slowStarted = new Promise<void>((resolve) => (markSlowStarted = resolve));
  const slowReleased = new Promise<void>((resolve) => (releaseSlow = resolve));
  const counted =
    (fn: GraphQLFieldResolver<unknown, FixtureContext>): GraphQLFieldResolver<unknown, FixtureContext> =>
    (...args) => {
      calls += 1;
      return fn(...args);
    };
  const event =
    (name: string): GraphQLFieldResolver<unknown, FixtureContext> =>
    (payload) =>
      (payload as Record<string, unknown>)[name];

  const schema = attach(buildSchema(typeDefs), {
    Query: {
      hello: { resolve: counted(() => 'world') },
      whoami: { resolve: counted((_root, _args, context) => context.user) },
      deep: { resolve: counted(() => ({ level: 1 })) },
      domainFailure: {
        resolve: counted(() => {
          throw new DomainError('BAD_USER_INPUT', 'Name must not be empty', { field: 'name' });
        }),
      },
      conflict: {
        resolve: counted(() => {
          throw new DomainError('CONFLICT', 'A request is already pending', { requestId: 'r-1' });
        }),
      },
      internalFailure: {
        resolve: counted(() => {
          throw new Error('secret internals');
        }),
      },
      slow: {
        resolve: counted(async () => {
          markSlowStarted();
          await slowReleased;
          return 'done';
        }),
      },
    },
    Deep: {
      next: { resolve: counted((parent) => ({ level: (parent as { level: number }).level + 1 })) },
    },
    Subscription: {
      countdown: {
        subscribe: counted(async function* (_root, args: Record<string, unknown>) {
          for (let n = Number(args.from); n > 0; n -= 1) yield { countdown: n };
        }),
        resolve: event('countdown'),
      },
      ticks: {
        subscribe: counted(async function* () {
          for await (const tick of forever()) yield { ticks: tick };
        }),
        resolve: event('ticks'),
      },
      failingStream: {
        subscribe: counted(async function* () {
          yield { failingStream: 1 };
          throw new DomainError('RATE_LIMITED', 'Slow down', { retryAfterSeconds: 5 });
        }),
        resolve: event('failingStream'),
      },
      internalStream: {
        subscribe: counted(async function* () {
          yield { internalStream: 1 };
          throw new Error('secret internals');
        }),
        resolve: event('internalStream'),
      },
      internalEvent: {
        subscribe: counted(async function* () {
          yield { internalEvent: 1 };
        }),
        resolve: () => {
          throw new Error('secret internals');
        },
      },
      forbidden: {
        subscribe: counted(() => {
          throw new DomainError('FORBIDDEN', 'Not allowed');
        }),
      },
    },
  });

  const fixture: Fixture = {
    schema,
    calls: () => calls,
    slowStarted,
    releaseSlow: () => releaseSlow(),
    wsTokenLifetimeMs: null,
    ready: true,
    httpContext: async (req) => authenticate(req.headers.authorization),
    wsContext: async (params) => ({
      context: authenticate(params?.authorization),
      expiresAt: fixture.wsTokenLifetimeMs === null ? null : Date.now() + fixture.wsTokenLifetimeMs,
    }),
  };
  return fixture;
}
