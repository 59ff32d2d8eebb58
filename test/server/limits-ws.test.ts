import WebSocket from 'ws';
import {
  aliasesQuery,
  deepQuery,
  directivesQuery,
  graphqlErrorsOf,
  runWs,
  startTestServer,
  within,
  wsClient,
  type TestServer,
  type TestWsClient,
} from './harness';

describe('safety limits over WebSocket', () => {
  let t: TestServer;
  let ws: TestWsClient;

  beforeAll(async () => {
    t = await startTestServer();
    ws = wsClient(t);
    await within(ws.connected, 5000, 'connection');
  });
  afterAll(async () => {
    await ws.client.dispose();
    await t.server.close();
  });

  /** Expects the operation refused with BAD_USER_INPUT errors and no resolver run; returns the messages. */
  async function expectRefused(query: string): Promise<string> {
    const before = t.fixture.calls();
    const outcome = await within(runWs(ws.client, query), 10_000, 'refusal');
    expect(outcome.results).toEqual([]);
    const errors = graphqlErrorsOf(outcome.error);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(t.fixture.calls()).toBe(before);
    return errors.map((error) => error.message).join('\n');
  }

  it('accepts a query 15 levels deep', async () => {
    const outcome = await within(runWs(ws.client, deepQuery(15)), 5000, 'deep query');
    expect(outcome.error).toBeUndefined();
    expect(outcome.results[0]?.errors).toBeUndefined();
  });

  it('refuses a query 20 levels deep', async () => {
    expect(await expectRefused(deepQuery(20))).toMatch(/too deep: depth 20 exceeds the maximum of 15/);
  });

  it('refuses 500 aliases', async () => {
    expect(await expectRefused(aliasesQuery(500))).toMatch(/Too many aliases: 500/);
  });

  it('refuses 60 directives', async () => {
    expect(await expectRefused(directivesQuery(60))).toMatch(/Too many directives: 60/);
  });

  it('refuses 10,000 directives (token cap)', async () => {
    expect(await expectRefused(directivesQuery(10_000))).toMatch(/5000 tokens/);
  });

  it('refuses a syntax error', async () => {
    expect(await expectRefused('subscription {')).toMatch(/Syntax Error/);
  });

  it('the connection is still usable after the refusals', async () => {
    const outcome = await within(runWs(ws.client, '{ hello }'), 5000, 'hello');
    expect(outcome.results).toEqual([{ data: { hello: 'world' } }]);
  });

  it('closes the socket (1009) on a message over maxPayload, running nothing', async () => {
    const before = t.fixture.calls();
    const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws');
    const messages: string[] = [];
    socket.on('message', (data: Buffer) => messages.push(data.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await within(new Promise((resolve) => socket.once('open', resolve)), 5000, 'open');
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer good' } }));
    await within(new Promise((resolve) => socket.once('message', resolve)), 5000, 'connection_ack');
    const query = `{ hello ${' '.repeat(9 * 1024 * 1024)}}`;
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    expect(await within(closed, 10_000, 'close')).toBe(1009);
    expect(messages).toEqual(['{"type":"connection_ack"}']);
    expect(t.fixture.calls()).toBe(before);
  });
});
