import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../support/app-harness';
import { whileStayingResponsive } from '../../support/responsiveness';
import { CREATE_ACCOUNT } from '../accounts-fixtures';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

/** Opens a graphql-ws upgrade with the given Origin; resolves with 'open' or the refusal's HTTP status. */
function upgrade(wsUrl: string, origin: string | undefined): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws', origin ? { origin } : {});
    socket.on('open', () => {
      resolve('open');
      socket.close();
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    socket.on('error', () => undefined);
  });
}

function post(t: TestApp, token: string, origin: string | undefined, query: string, variables = {}) {
  return fetch(t.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(origin ? { origin } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
}

describe('ALLOWED_ORIGINS', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp({ ALLOWED_ORIGINS: `${ALLOWED}, http://localhost:3000` });
    token = await t.signIn('origin-user');
  });
  afterAll(() => t.stop());

  test('a WebSocket upgrade from another origin is refused with 403; the server stays responsive', async () => {
    const outcomes = await whileStayingResponsive(t.url, () =>
      Promise.all(Array.from({ length: 20 }, () => upgrade(t.wsUrl, OTHER))),
    );
    expect(new Set(outcomes)).toEqual(new Set([403]));
  });

  test('upgrades from a listed origin, or without an Origin header, open', async () => {
    expect(await upgrade(t.wsUrl, ALLOWED)).toBe('open');
    expect(await upgrade(t.wsUrl, 'http://localhost:3000')).toBe('open');
    expect(await upgrade(t.wsUrl, undefined)).toBe('open');
  });

  test('a browser preflight from a listed origin is answered for it', async () => {
    const response = await fetch(t.url, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  test('a request from a listed origin runs and may be read by it', async () => {
    const response = await post(t, token, ALLOWED, '{ me { userId } }');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(await response.json()).toEqual({ data: { me: { userId: 'origin-user' } } });
  });

  test('a request from another origin is refused with 403 and changes nothing', async () => {
    const before = (await t.allEvents()).length;
    const response = await post(t, token, OTHER, CREATE_ACCOUNT, {
      input: { name: 'Evil', domainIdentifier: 'evil.example.net' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(
      ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions
        .code,
    ).toBe('FORBIDDEN');
    expect((await t.allEvents()).length).toBe(before);
  });

  test('a request without an Origin header (not a browser) is not affected', async () => {
    const response = await post(t, token, undefined, '{ me { userId } }');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('ALLOWED_ORIGINS unset', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  test('WebSocket upgrades from any origin open and HTTP gets no CORS headers, as before', async () => {
    expect(await upgrade(t.wsUrl, OTHER)).toBe('open');
    const token = await t.signIn('origin-any');
    const response = await post(t, token, OTHER, '{ me { userId } }');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
