import pino from 'pino';
import { startTestApp, type TestApp } from '../support/app-harness';
import { waitUntil } from '../support/temp';

interface LogLine {
  msg: string;
  requestId?: string;
  transport?: string;
  method?: string;
  path?: string;
  status?: number;
  operationId?: string;
  operationName?: string | null;
  operationType?: string | null;
  caller?: string | null;
  outcome?: string;
  durationMs?: number;
}

const SECRET_VARIABLE = 'variable-value-that-must-not-be-logged';

describe('request logs', () => {
  const lines: string[] = [];
  let t: TestApp;
  let token: string;
  const parsed = (): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    t = await startTestApp({}, { logger });
    token = await t.token('alice');
  });
  afterAll(() => t?.stop());

  it('writes one line per HTTP request: request ID, operation, caller, outcome, duration', async () => {
    lines.length = 0;
    const response = await t.gql(token, 'query WhoAmI { me { userId } }', undefined, {
      'x-request-id': 'req-who-am-i',
    });
    expect(response.errors).toBeUndefined();
    await waitUntil(() => parsed().some((line) => line.requestId === 'req-who-am-i'));
    const mine = parsed().filter((line) => line.requestId === 'req-who-am-i');
    expect(mine).toEqual([
      {
        ...mine[0],
        msg: 'request',
        transport: 'http',
        method: 'POST',
        path: '/graphql',
        status: 200,
        operationName: 'WhoAmI',
        operationType: 'query',
        caller: 'alice',
        outcome: 'ok',
      },
    ]);
    expect(mine[0].durationMs).toEqual(expect.any(Number));
  });

  it('logs the outcome code of a refused HTTP request, with no caller when anonymous', async () => {
    lines.length = 0;
    await t.gql(null, 'mutation Rename { updateMyProfile(input: { name: "X" }) { userId } }', undefined, {
      'x-request-id': 'req-anonymous',
    });
    await waitUntil(() => parsed().some((line) => line.requestId === 'req-anonymous'));
    expect(parsed().find((line) => line.requestId === 'req-anonymous')).toMatchObject({
      operationName: 'Rename',
      operationType: 'mutation',
      caller: null,
      outcome: 'UNAUTHENTICATED',
    });
  });

  it('writes one line per WebSocket operation when it ends, never the token or variable values', async () => {
    lines.length = 0;
    const client = t.wsClient(token);
    const mine = client.iterate({ query: 'subscription Mine { myAccessRequestsUpdated { id } }' });
    const failing = client.iterate({
      query: 'subscription Watch($id: ID!) { accessRequestUpdated(id: $id) { id } }',
      variables: { id: SECRET_VARIABLE },
    });
    expect((await failing.next()).value).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    const pending = mine.next();
    await mine.return?.();
    await pending.catch(() => undefined);
    await client.dispose();

    await waitUntil(() => parsed().filter((line) => line.transport === 'ws').length === 2);
    const ws = parsed().filter((line) => line.transport === 'ws');
    const byName = Object.fromEntries(ws.map((line) => [line.operationName, line]));
    expect(byName.Mine).toMatchObject({
      msg: 'operation',
      operationType: 'subscription',
      caller: 'alice',
      outcome: 'ok',
      durationMs: expect.any(Number),
    });
    expect(byName.Watch).toMatchObject({
      operationType: 'subscription',
      caller: 'alice',
      outcome: 'NOT_FOUND',
    });
    expect(new Set(ws.map((line) => line.requestId)).size).toBe(1);
    expect(new Set(ws.map((line) => line.operationId)).size).toBe(2);

    const all = lines.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(SECRET_VARIABLE);
  });
});
