import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startTestApp, codeOf, TEST_SECRET, type TestApp } from '../support/app-harness';
import { waitUntil } from '../support/temp';

const secret = new TextEncoder().encode(TEST_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function signed(claims: Record<string, unknown>, key: Uint8Array = secret): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key);
}

const base = (sub: string) => ({ sub, email: `${sub}@example.com`, name: sub });

/** Tokens the contract says are refused with UNAUTHENTICATED. */
async function badTokens(): Promise<Record<string, string>> {
  return {
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...base('mallory'), exp: now() + 600 })}.`,
    'a bad signature': await signed(
      { ...base('mallory'), exp: now() + 600 },
      new TextEncoder().encode('x'.repeat(48)),
    ),
    'a past exp': await signed({ ...base('mallory'), exp: now() - 600 }),
    'no exp': await signed(base('mallory')),
    'a wrong iss': await signed({ ...base('mallory'), exp: now() + 600, iss: 'other', aud: 'saas' }),
    'a wrong aud': await signed({ ...base('mallory'), exp: now() + 600, iss: 'idp', aud: 'other' }),
  };
}

function subscribeOnce(t: TestApp, token: string): Promise<{ data?: unknown; closeCode?: number }> {
  return new Promise((resolve) => {
    const client = t.wsClient(null, { authorization: `Bearer ${token}` });
    client.on('closed', (event) => resolve({ closeCode: (event as { code: number }).code }));
    client.subscribe(
      { query: '{ me { userId } }' },
      {
        next: (value) => resolve({ data: value.data }),
        error: () => undefined,
        complete: () => undefined,
      },
    );
  });
}

describe('authentication over HTTP and WebSocket', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_ISSUER: 'idp', AUTH_AUDIENCE: 'saas' });
  });
  afterAll(() => t.stop());

  test('refused tokens get UNAUTHENTICATED over HTTP and register nobody', async () => {
    for (const [label, token] of Object.entries(await badTokens())) {
      const response = await t.gql(token, '{ me { userId } }');
      expect([label, response.status, codeOf(response)]).toEqual([label, 401, 'UNAUTHENTICATED']);
      expect(JSON.stringify(response)).not.toMatch(/at .*\.ts:\d+/);
    }
    const registered = (await t.allEvents()).filter((e) => e.type === 'ProfileRegistered');
    expect(registered).toEqual([]);
  });

  test('refused tokens cannot open a WebSocket connection', async () => {
    for (const [label, token] of Object.entries(await badTokens())) {
      const outcome = await subscribeOnce(t, token);
      expect([label, outcome.closeCode]).toEqual([label, 4401]);
    }
  });

  test('a valid token works on both transports', async () => {
    const token = await signed({ ...base('valid'), exp: now() + 600, iss: 'idp', aud: 'saas' });
    expect((await t.gql(token, '{ me { userId } }')).data).toEqual({ me: { userId: 'valid' } });
    expect(await subscribeOnce(t, token)).toEqual({ data: { me: { userId: 'valid' } } });
  });

  test('the socket closes when the token expires', async () => {
    // The verifier allows 5 s of clock skew, so a token 2 s past expiry still connects.
    const token = await signed({ ...base('shortlived'), exp: now() + 1, iss: 'idp', aud: 'saas' });
    // A non-lazy client keeps the connection open with no operation running, and reports the
    // close that ends it to onNonLazyError (console.error by default): this test expects that close.
    let reported: unknown = null;
    const client = createClient({
      url: t.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
      onNonLazyError: (errorOrCloseEvent) => {
        reported = errorOrCloseEvent;
      },
    });
    const opened = new Promise<void>((resolve) => client.on('connected', () => resolve()));
    const closed = new Promise<number>((resolve) =>
      client.on('closed', (event) => resolve((event as { code: number }).code)),
    );
    await opened;
    expect(await closed).toBe(4401);
    await waitUntil(() => reported !== null);
    expect(reported).toMatchObject({ code: 4401, reason: 'Token expired' });
    await client.dispose();
  });
});
