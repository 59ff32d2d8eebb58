import { getIntrospectionQuery } from 'graphql';
import {
  graphqlErrorsOf,
  postQuery,
  runWs,
  startTestServer,
  within,
  wsClient,
  type TestServer,
} from './harness';

const introspection = '{ __schema { types { name } } }';

describe('production mode', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ production: true });
  });
  afterAll(() => t.server.close());

  it('refuses introspection over HTTP', async () => {
    const result = await postQuery(t, introspection);
    expect(result.status).toBe(400);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.text).toMatch(/introspection/i);
  });

  it('gives no "Did you mean" suggestion over HTTP', async () => {
    const result = await postQuery(t, '{ helo }');
    expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.body.errors?.[0]?.message).toBe('Cannot query field "helo" on type "Query".');
    expect(result.text).not.toContain('Did you mean');
    expect(result.text).not.toContain('hello');
  });

  it('has no landing page and no IDE', async () => {
    const response = await fetch(t.server.url, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
    expect((await fetch(`${t.baseUrl}/ide/graphiql.js`)).status).toBe(404);
  });

  it('refuses introspection and gives no suggestions over WebSocket', async () => {
    const { client } = wsClient(t);
    try {
      const schema = await within(runWs(client, introspection), 5000, 'introspection');
      const [error] = graphqlErrorsOf(schema.error);
      expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(error?.message).toMatch(/introspection/i);

      const typo = await within(runWs(client, 'subscription { countdow(from: 1) }'), 5000, 'typo');
      const text = JSON.stringify(typo.error);
      expect(graphqlErrorsOf(typo.error)[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(text).not.toContain('Did you mean');
    } finally {
      await client.dispose();
    }
  });
});

describe('development mode', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ production: false });
  });
  afterAll(() => t.server.close());

  it('allows the standard introspection query (within the depth limit)', async () => {
    const result = await postQuery(t, getIntrospectionQuery());
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
  });

  it('has the landing page', async () => {
    const response = await fetch(t.server.url, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).toContain('text/html');
  });
});
