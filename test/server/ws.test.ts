import WebSocket from 'ws';
import { get, graphqlErrorsOf, runWs, startTestServer, within, wsClient, type TestServer } from './harness';

describe('GraphQL over WebSocket', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.server.close());

  it('delivers a subscription with the connection context', async () => {
    const { client } = wsClient(t);
    try {
      const outcome = await within(runWs(client, 'subscription { countdown(from: 3) }'), 5000, 'countdown');
      expect(outcome.error).toBeUndefined();
      expect(outcome.results).toEqual([
        { data: { countdown: 3 } },
        { data: { countdown: 2 } },
        { data: { countdown: 1 } },
      ]);

      const query = await within(runWs(client, '{ whoami }'), 5000, 'whoami');
      expect(query.results).toEqual([{ data: { whoami: 'alice' } }]);
    } finally {
      await client.dispose();
    }
  });

  it('formats a DomainError thrown by a stream like HTTP does', async () => {
    const { client } = wsClient(t);
    try {
      const outcome = await within(runWs(client, 'subscription { failingStream }'), 5000, 'failingStream');
      expect(outcome.results).toEqual([{ data: { failingStream: 1 } }]);
      expect(graphqlErrorsOf(outcome.error)).toEqual([
        { message: 'Slow down', extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 5 } },
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('formats a DomainError thrown when subscribing', async () => {
    const { client } = wsClient(t);
    try {
      const outcome = await within(runWs(client, 'subscription { forbidden }'), 5000, 'forbidden');
      expect(outcome.results).toHaveLength(1);
      expect(outcome.results[0]?.errors).toEqual([
        {
          message: 'Not allowed',
          locations: [{ line: 1, column: 16 }],
          path: ['forbidden'],
          extensions: { code: 'FORBIDDEN' },
        },
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('hides internal errors, in a stream and in an event, and logs them', async () => {
    const { client } = wsClient(t);
    try {
      const stream = await within(runWs(client, 'subscription { internalStream }'), 5000, 'internalStream');
      expect(graphqlErrorsOf(stream.error)).toEqual([
        { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ]);
      const event = await within(runWs(client, 'subscription { internalEvent }'), 5000, 'internalEvent');
      expect(event.results[0]?.errors?.[0]).toMatchObject({
        message: 'Internal server error',
        path: ['internalEvent'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      const text = JSON.stringify([stream, event]);
      expect(text).not.toContain('secret internals');
      expect(text).not.toMatch(/\bat /);
      expect(t.logs.filter((line) => line.includes('secret internals')).length).toBeGreaterThanOrEqual(2);
    } finally {
      await client.dispose();
    }
  });

  it('a bad variable is BAD_USER_INPUT', async () => {
    const { client } = wsClient(t);
    try {
      const outcome = await within(
        runWs(client, 'subscription ($n: Int!) { countdown(from: $n) }', { n: 'three' }),
        5000,
        'bad variable',
      );
      expect(outcome.results[0]?.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    } finally {
      await client.dispose();
    }
  });

  it('a validation error is BAD_USER_INPUT and keeps suggestions outside production', async () => {
    const { client } = wsClient(t);
    try {
      const outcome = await within(runWs(client, 'subscription { countdow(from: 1) }'), 5000, 'validation');
      const [error] = graphqlErrorsOf(outcome.error);
      expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
      expect(error?.message).toContain('Did you mean "countdown"?');
    } finally {
      await client.dispose();
    }
  });

  it('refuses a connection with a bad token (close 4401) without running anything', async () => {
    const before = t.fixture.calls();
    const { client, closed } = wsClient(t, { authorization: 'Bearer bad' });
    try {
      const outcome = await within(runWs(client, 'subscription { countdown(from: 1) }'), 5000, 'refusal');
      expect(outcome.results).toEqual([]);
      const close = await within(closed, 5000, 'close');
      expect(close.code).toBe(4401);
      expect(close.reason).toBe('Unauthorized: Invalid or missing token');
      expect(t.fixture.calls()).toBe(before);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a connection without connectionParams', async () => {
    const { client, closed } = wsClient(t, {});
    try {
      await within(runWs(client, '{ hello }'), 5000, 'refusal');
      expect((await within(closed, 5000, 'close')).code).toBe(4401);
    } finally {
      await client.dispose();
    }
  });

  it('closes the socket with 4401 "Token expired" when the token expires', async () => {
    t.fixture.wsTokenLifetimeMs = 300;
    const { client, closed, connected } = wsClient(t);
    try {
      const ticks = runWs(client, 'subscription { ticks }');
      await within(connected, 5000, 'connection');
      const close = await within(closed, 5000, 'expiry close');
      expect(close).toEqual({ code: 4401, reason: 'Token expired' });
      const outcome = await within(ticks, 5000, 'end of ticks');
      expect(outcome.error).toBeDefined();
    } finally {
      t.fixture.wsTokenLifetimeMs = null;
      await client.dispose();
    }
  });

  it('refuses at once a token that already expired', async () => {
    t.fixture.wsTokenLifetimeMs = -1000;
    const { client, closed } = wsClient(t);
    try {
      void runWs(client, '{ hello }');
      expect(await within(closed, 5000, 'close')).toEqual({ code: 4401, reason: 'Token expired' });
    } finally {
      t.fixture.wsTokenLifetimeMs = null;
      await client.dispose();
    }
  });

  it('refuses WebSocket upgrades on other paths', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${t.server.port}/elsewhere`, 'graphql-transport-ws');
    const status = await within(
      new Promise<number | undefined>((resolve) => {
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode));
        socket.on('error', () => resolve(undefined));
      }),
      5000,
      'refused upgrade',
    );
    expect(status).toBe(404);
    socket.terminate();
  });

  it('counts WebSocket operations in the metrics', async () => {
    const metrics = await get(t, '/metrics');
    expect(metrics.text).toMatch(/graphql_operations_total\{transport="ws",outcome="ok"\} [1-9]/);
    expect(metrics.text).toMatch(/graphql_operations_total\{transport="ws",outcome="RATE_LIMITED"\} [1-9]/);
  });
});
