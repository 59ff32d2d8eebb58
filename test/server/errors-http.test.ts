import { postQuery, startTestServer, type TestServer } from './harness';

describe('error formatting over HTTP', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.server.close());

  it('a DomainError keeps its code, message and field', async () => {
    const result = await postQuery(t, '{ domainFailure }');
    expect(result.status).toBe(200);
    expect(result.body.errors).toEqual([
      {
        message: 'Name must not be empty',
        locations: [{ line: 1, column: 3 }],
        path: ['domainFailure'],
        extensions: { code: 'BAD_USER_INPUT', field: 'name' },
      },
    ]);
  });

  it("a DomainError's extra extensions are kept", async () => {
    const result = await postQuery(t, '{ conflict }');
    expect(result.body.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT', requestId: 'r-1' });
  });

  it('an unexpected error is hidden from the client and logged with the correlation id', async () => {
    const response = await fetch(t.server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer good',
        'x-request-id': 'corr-42',
      },
      body: JSON.stringify({ query: '{ internalFailure }' }),
    });
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      data: { internalFailure: null },
      errors: [
        {
          message: 'Internal server error',
          locations: [{ line: 1, column: 3 }],
          path: ['internalFailure'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
    expect(text).not.toContain('secret internals');
    expect(text).not.toMatch(/\bat /);
    const logged = t.logs.find((line) => line.includes('secret internals'));
    expect(logged).toBeDefined();
    expect(JSON.parse(logged ?? '{}')).toMatchObject({ level: 50, correlationId: 'corr-42' });
  });

  it('a syntax error is BAD_USER_INPUT with the original code as reason', async () => {
    const result = await postQuery(t, '{ hello ');
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_PARSE_FAILED',
    });
  });

  it('a validation error is BAD_USER_INPUT, with suggestions outside production', async () => {
    const result = await postQuery(t, '{ helo }');
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
    expect(result.body.errors?.[0]?.message).toContain('Did you mean "hello"?');
  });

  it('a bad variable is BAD_USER_INPUT', async () => {
    const result = await postQuery(t, 'query ($n: Int!) { hello @skip(if: $n) }', { n: 'x' });
    expect(result.status).toBe(400);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('every error carries a contract code', async () => {
    const codes = [
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'BAD_USER_INPUT',
      'CONFLICT',
      'RATE_LIMITED',
      'INTERNAL_SERVER_ERROR',
    ];
    for (const query of [
      '{ domainFailure }',
      '{ conflict }',
      '{ internalFailure }',
      '{',
      '{ nope }',
      'mutation { x }',
    ]) {
      const result = await postQuery(t, query);
      for (const error of result.body.errors ?? []) expect(codes).toContain(error.extensions?.code);
      expect(result.body.errors?.length).toBeGreaterThan(0);
    }
  });
});
