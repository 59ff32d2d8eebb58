import { request } from 'node:http';
import {
  aliasesQuery,
  deepQuery,
  directivesQuery,
  postQuery,
  postRaw,
  startTestServer,
  type HttpResult,
  type TestServer,
} from './harness';

describe('safety limits over HTTP', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.server.close());

  /** Runs `send`, expects a BAD_USER_INPUT refusal, and that no resolver ran. */
  async function expectRefused(send: () => Promise<HttpResult>, status = 400): Promise<HttpResult> {
    const before = t.fixture.calls();
    const result = await send();
    expect(result.status).toBe(status);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors?.length).toBeGreaterThan(0);
    for (const error of result.body.errors ?? []) expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(t.fixture.calls()).toBe(before);
    return result;
  }

  const messages = (result: HttpResult): string =>
    (result.body.errors ?? []).map((e) => e.message).join('\n');

  it('accepts a query 15 levels deep (the limit)', async () => {
    const result = await postQuery(t, deepQuery(15));
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
  });

  it('refuses a query 20 levels deep', async () => {
    const result = await expectRefused(() => postQuery(t, deepQuery(20)));
    expect(messages(result)).toMatch(/too deep: depth 20 exceeds the maximum of 15/);
  });

  it('refuses depth hidden in fragments', async () => {
    const query = `{ deep { ...A } } fragment A on Deep { next { ...B } } fragment B on Deep { next { next { ...C } } }
      fragment C on Deep { ${'next { '.repeat(14)}level${' }'.repeat(14)} }`;
    const result = await expectRefused(() => postQuery(t, query));
    expect(messages(result)).toMatch(/too deep/);
  });

  it('refuses 500 aliases', async () => {
    const result = await expectRefused(() => postQuery(t, aliasesQuery(500)));
    expect(messages(result)).toMatch(/Too many aliases: 500 exceeds the maximum of 50/);
  });

  it('refuses 60 directives (under the token cap)', async () => {
    const result = await expectRefused(() => postQuery(t, directivesQuery(60)));
    expect(messages(result)).toMatch(/Too many directives: 60 exceeds the maximum of 50/);
  });

  it('refuses 10,000 directives (token cap)', async () => {
    const result = await expectRefused(() => postQuery(t, directivesQuery(10_000)));
    expect(messages(result)).toMatch(/5000 tokens/);
  });

  it('refuses a batched array', async () => {
    await expectRefused(() => postRaw(t, JSON.stringify([{ query: '{ hello }' }, { query: '{ hello }' }])));
  });

  it('refuses a 10 MB body with 413 and the exact error document', async () => {
    const padding = 'x'.repeat(10 * 1024 * 1024);
    const result = await expectRefused(
      () => postRaw(t, JSON.stringify({ query: '{ hello }', padding })),
      413,
    );
    expect(result.text).toBe(
      '{"errors":[{"message":"Request body too large","extensions":{"code":"BAD_USER_INPUT"}}]}',
    );
  });

  it('refuses a streamed body without content-length once it passes 8 MiB, and closes the connection', async () => {
    const before = t.fixture.calls();
    const outcome = await new Promise<{ status: number; body: string; connection: string | undefined }>(
      (resolve, reject) => {
        const req = request(
          t.server.url,
          { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer good' } },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
            );
          },
        );
        req.on('error', reject);
        const chunk = Buffer.alloc(1024 * 1024, 'x');
        // Keeps writing until the response arrives: the server must answer before the client is done.
        let sent = 0;
        const pump = (): void => {
          while (sent < 64) {
            sent += 1;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end();
        };
        req.write('{"query":"{ hello }","padding":"');
        pump();
      },
    );
    expect(outcome.status).toBe(413);
    expect(outcome.connection).toBe('close');
    expect(JSON.parse(outcome.body)).toEqual({
      errors: [{ message: 'Request body too large', extensions: { code: 'BAD_USER_INPUT' } }],
    });
    expect(t.fixture.calls()).toBe(before);
  });

  it('still serves requests after the refusals', async () => {
    const result = await postQuery(t, '{ hello }');
    expect(result.body).toEqual({ data: { hello: 'world' } });
  });
});
