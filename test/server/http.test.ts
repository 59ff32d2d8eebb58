import { DomainError } from '../../src/domain/errors';
import { get, postQuery, postRaw, startTestServer, type TestServer } from './harness';

describe('HTTP endpoints', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({
      routes: [
        {
          method: 'GET',
          pattern: /^\/accounts\/([a-z0-9.-]+)\/history\.csv$/,
          name: '/accounts/:id/history.csv',
          handle: async (_req, res, match) => {
            res.writeHead(200, { 'content-type': 'text/csv' });
            res.end(`account\n${match[1]}\n`);
          },
        },
        {
          method: 'GET',
          pattern: /^\/forbidden$/,
          handle: async () => {
            throw new DomainError('FORBIDDEN', 'Not an administrator');
          },
        },
      ],
    });
  });
  afterAll(() => t.server.close());

  it('answers a query over POST /graphql', async () => {
    const result = await postQuery(t, '{ hello whoami }');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { hello: 'world', whoami: 'alice' } });
  });

  it('answers a query over GET /graphql with a preflight header', async () => {
    const response = await fetch(`${t.server.url}?query=${encodeURIComponent('{ hello }')}`, {
      headers: { authorization: 'Bearer good', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { hello: 'world' } });
  });

  it('GET /healthz is 200 {"status":"ok"}', async () => {
    const result = await get(t, '/healthz');
    expect(result.status).toBe(200);
    expect(result.text).toBe('{"status":"ok"}');
    expect(result.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('GET /readyz follows readiness(): 200 when ready, 503 when not', async () => {
    t.fixture.ready = true;
    const ready = await get(t, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ ready: true, projections: 'caught up' });

    t.fixture.ready = false;
    const notReady = await get(t, '/readyz');
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.text)).toEqual({ ready: false, projections: 'behind' });
    t.fixture.ready = true;
  });

  it('GET /metrics serves Prometheus text with the HTTP and GraphQL metrics', async () => {
    await postQuery(t, '{ hello }');
    await postQuery(t, '{ domainFailure }');
    const result = await get(t, '/metrics');
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe(t.registry.contentType);
    expect(result.text).toContain('http_requests_total{method="POST",route="/graphql",status="200"}');
    expect(result.text).toContain('http_request_duration_seconds_bucket{');
    expect(result.text).toMatch(/graphql_operations_total\{transport="http",outcome="ok"\} [1-9]/);
    expect(result.text).toMatch(
      /graphql_operations_total\{transport="http",outcome="BAD_USER_INPUT"\} [1-9]/,
    );
  });

  it('unknown paths are 404 with a JSON error', async () => {
    const result = await get(t, '/nope');
    expect(result.status).toBe(404);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a known path with the wrong method is 405', async () => {
    const response = await fetch(`${t.baseUrl}/healthz`, { method: 'DELETE' });
    expect(response.status).toBe(405);
  });

  it('serves extra routes, and maps a DomainError they throw to its status and code', async () => {
    const csv = await get(t, '/accounts/example.com/history.csv');
    expect(csv.status).toBe(200);
    expect(csv.text).toBe('account\nexample.com\n');

    const forbidden = await get(t, '/forbidden');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.errors?.[0]).toEqual({
      message: 'Not an administrator',
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('echoes a sane X-Request-Id and replaces an insane one', async () => {
    const sane = await get(t, '/healthz', { 'x-request-id': 'abc-123_x.y' });
    expect(sane.headers.get('x-request-id')).toBe('abc-123_x.y');

    const insane = await get(t, '/healthz', { 'x-request-id': 'has spaces and "quotes"' });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const tooLong = await get(t, '/healthz', { 'x-request-id': 'a'.repeat(101) });
    expect(tooLong.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const none = await get(t, '/healthz');
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a bad token with HTTP 401 and UNAUTHENTICATED', async () => {
    const before = t.fixture.calls();
    const result = await postQuery(t, '{ hello }', undefined, 'bad');
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toBe('Bearer');
    expect(result.body.errors).toEqual([
      { message: 'Invalid or missing token', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
    expect(t.fixture.calls()).toBe(before);
  });

  it('CSRF: refuses a POST with content-type text/plain', async () => {
    const before = t.fixture.calls();
    const result = await postRaw(t, JSON.stringify({ query: '{ hello }' }), { 'content-type': 'text/plain' });
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.body.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
    expect(t.fixture.calls()).toBe(before);
  });

  it('CSRF: refuses a GET query without a preflight header', async () => {
    const before = t.fixture.calls();
    const response = await fetch(`${t.server.url}?query=${encodeURIComponent('{ hello }')}`, {
      headers: { authorization: 'Bearer good' },
    });
    expect(response.status).toBe(400);
    expect(t.fixture.calls()).toBe(before);
  });

  it('refuses a body that is not JSON with 400 BAD_USER_INPUT', async () => {
    const result = await postRaw(t, '{"query": ');
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
