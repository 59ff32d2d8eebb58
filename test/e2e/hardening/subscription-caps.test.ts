import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../support/app-harness';
import { whileStayingResponsive } from '../../support/responsiveness';
import { waitUntil } from '../../support/temp';
import { wsOutcome } from '../../support/ws-outcome';

const SUBSCRIPTION = 'subscription { myAccessRequestsUpdated { id } }';

interface Opened {
  /** Each subscription's error codes, by index (empty while it runs). */
  codes: string[][];
  stop: Array<() => void>;
}

/** Starts `count` subscriptions on the client, then waits until the server has answered every start. */
async function openSubscriptions(client: Client, count: number): Promise<Opened> {
  const opened: Opened = { codes: [], stop: [] };
  for (let i = 0; i < count; i += 1) {
    const codes: string[] = [];
    opened.codes.push(codes);
    opened.stop.push(
      client.subscribe(
        { query: SUBSCRIPTION },
        {
          next: () => undefined,
          error: (errors) => {
            for (const error of errors as Array<{ extensions?: { code?: string } }>)
              codes.push(String(error.extensions?.code));
          },
          complete: () => undefined,
        },
      ),
    );
  }
  // Operations on one socket are started in order: once a later query answers, every start was decided.
  expect((await wsOutcome(client, '{ me { userId } }')).errors).toBeUndefined();
  return opened;
}

const refusedCount = (opened: Opened): number => opened.codes.filter((codes) => codes.length > 0).length;

describe('subscription caps', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  test('one connection holds at most 100 subscriptions: the 101st is RATE_LIMITED, a finished one frees a place', async () => {
    const client = t.wsClient(await t.signIn('sub-conn'));
    const opened = await whileStayingResponsive(t.url, () => openSubscriptions(client, 101));
    expect(opened.codes.slice(0, 100).every((codes) => codes.length === 0)).toBe(true);
    expect(opened.codes[100]).toEqual(['RATE_LIMITED']);

    // The server lets go of a completed subscription as soon as its stream has ended.
    opened.stop[0]();
    await waitUntil(async () => refusedCount(await openSubscriptions(client, 1)) === 0);
    expect((await openSubscriptions(client, 1)).codes).toEqual([['RATE_LIMITED']]);
    await client.dispose();
  });

  test('one user holds at most 500 over all connections; closing a connection frees its places', async () => {
    const token = await t.signIn('sub-user');
    const clients = Array.from({ length: 6 }, () => t.wsClient(token));
    const opened = await whileStayingResponsive(t.url, async () => {
      const result: Opened[] = [];
      for (const client of clients.slice(0, 5)) result.push(await openSubscriptions(client, 100));
      return result;
    });
    expect(opened.map(refusedCount)).toEqual([0, 0, 0, 0, 0]);
    const sixth = await openSubscriptions(clients[5], 1);
    expect(sixth.codes).toEqual([['RATE_LIMITED']]);

    await clients[0].dispose();
    await waitUntil(async () => refusedCount(await openSubscriptions(clients[5], 1)) === 0);
    // Another user is not affected by this user's subscriptions.
    const other = await openSubscriptions(t.wsClient(await t.signIn('sub-other')), 1);
    expect(refusedCount(other)).toBe(0);
  });
});

describe('connection_init rate', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ WS_CONNECTION_INITS_PER_MINUTE: '5' });
  });
  afterAll(() => t.stop());

  /** Opens a raw graphql-ws socket and sends connection_init; resolves with 'ack' or the close code. */
  function connect(token: string): Promise<string | number> {
    return new Promise((resolve) => {
      const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws');
      socket.on('error', () => undefined);
      socket.on('open', () =>
        socket.send(
          JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
        ),
      );
      socket.on('message', (data: Buffer) => {
        if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') {
          resolve('ack');
          socket.close();
        }
      });
      socket.on('close', (code) => resolve(code));
    });
  }

  test('past the rate, connection_init is refused with close code 4429', async () => {
    const token = await t.signIn('init-rate');
    const outcomes = await whileStayingResponsive(t.url, async () => {
      const results: Array<string | number> = [];
      for (let i = 0; i < 8; i += 1) results.push(await connect(token));
      return results;
    });
    expect(outcomes).toEqual(['ack', 'ack', 'ack', 'ack', 'ack', 4429, 4429, 4429]);
  });
});
