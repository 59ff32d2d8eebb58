import { postRaw, startTestServer, type HttpResult, type TestServer } from './harness';

interface RequestLine {
  msg: string;
  requestId?: string;
  status?: number;
  operationName?: string | null;
  operationType?: string | null;
  caller?: string | null;
  outcome?: string;
}

/**
 * A plain valid operation is run without Apollo's pipeline (`src/server/direct-operations.ts`); a
 * client must not be able to tell. Each request is sent as is (run directly) and with an `Accept`
 * header that only Apollo answers, and the two answers, log lines and counts are compared.
 */
describe('/graphql answers the same with or without Apollo', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.server.close());

  const APOLLO_ONLY = { accept: 'application/json, text/plain;q=0.5' };
  let sent = 0;
  const send = async (body: object, headers: Record<string, string>) => {
    const requestId = `direct-${(sent += 1)}`;
    const result = await postRaw(t, JSON.stringify(body), { ...headers, 'x-request-id': requestId });
    return { result, requestId };
  };
  const requestLine = (requestId: string): Omit<RequestLine, 'requestId'> | undefined => {
    const line = t.logs
      .map((text) => JSON.parse(text) as RequestLine)
      .find((entry) => entry.msg === 'request' && entry.requestId === requestId);
    if (!line) return undefined;
    const { status, operationName, operationType, caller, outcome } = line;
    return { msg: line.msg, status, operationName, operationType, caller, outcome };
  };
  const answer = (result: HttpResult) => ({
    status: result.status,
    contentType: result.headers.get('content-type'),
    text: result.text,
  });
  const operationsCounted = async (): Promise<number> => {
    const metric = await t.registry.getSingleMetric('graphql_operations_total')?.get();
    return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0;
  };
  const waitForLine = async (requestId: string) => {
    for (let i = 0; i < 50 && !requestLine(requestId); i++) await new Promise((r) => setTimeout(r, 10));
    return requestLine(requestId);
  };

  it.each([
    ['a plain query', { query: '{ hello whoami }' }],
    ['nested fields', { query: '{ deep { level next { level next { level } } } }' }],
    [
      'variables and a named operation',
      {
        query: 'query Q($b: Boolean!) { hello @include(if: $b) whoami }',
        variables: { b: false },
        operationName: 'Q',
      },
    ],
    ['one operation of several', { query: 'query A { hello } query B { whoami }', operationName: 'B' }],
    ['a domain error beside data', { query: '{ hello domainFailure }' }],
    ['a domain error with its own extensions', { query: '{ conflict }' }],
    ['an unexpected error, hidden', { query: '{ internalFailure hello }' }],
    ['a null operation name and variables', { query: '{ hello }', operationName: null, variables: null }],
  ])('%s', async (_what, body) => {
    const countedBefore = await operationsCounted();
    const direct = await send(body, {});
    const apollo = await send(body, APOLLO_ONLY);
    expect(answer(direct.result)).toEqual(answer(apollo.result));
    expect(direct.result.status).toBe(200);
    expect(await waitForLine(direct.requestId)).toEqual(await waitForLine(apollo.requestId));
    expect(requestLine(direct.requestId)?.caller).toBe('alice');
    expect(await operationsCounted()).toBe(countedBefore + 2);
  });

  it('an unexpected error is logged with the request ID on either path', async () => {
    const direct = await send({ query: '{ internalFailure }' }, {});
    const apollo = await send({ query: '{ internalFailure }' }, APOLLO_ONLY);
    for (const { requestId } of [direct, apollo]) {
      const logged = t.logs
        .map(
          (text) => JSON.parse(text) as { msg: string; correlationId?: string; err?: { message?: string } },
        )
        .find(
          (entry) =>
            entry.msg === 'unexpected error in a GraphQL operation' && entry.correlationId === requestId,
        );
      expect(logged?.err?.message).toBe('secret internals');
    }
    expect(direct.result.text).not.toContain('secret');
  });

  it('a bad token on a plain valid query is refused by Apollo as before: 401 with a Bearer challenge', async () => {
    const response = await postRaw(t, JSON.stringify({ query: '{ hello }' }), {}, 'bad');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
