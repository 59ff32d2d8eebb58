import { startTestApp, codeOf, type TestApp } from '../support/app-harness';

/**
 * `mySmartAccounts { users(first: 1) { nodes { groups { members(first: 1) { nodes { groups ... } } } } } }`,
 * `levels` fields deep (pages of one, so that the cost bound does not refuse it first).
 */
function deepQuery(levels: number): string {
  const parts: string[] = ['mySmartAccounts', 'users(first: 1)', 'nodes'];
  while (parts.length < levels - 1) parts.push(...['groups', 'members(first: 1)', 'nodes']);
  const path = parts.slice(0, levels - 1);
  return `{ ${path.join(' { ')} { __typename }${' }'.repeat(path.length - 1)} }`;
}

const oversized: Record<string, string> = {
  'a query 20 levels deep': deepQuery(20),
  '500 aliases': `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: me { userId }`).join(' ')} }`,
  '10,000 directives': `{ me ${'@include(if: true) '.repeat(10_000)}{ userId } }`,
};

describe('safety limits on the real server', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp();
    token = await t.signIn('limits');
  });
  afterAll(() => t.stop());

  test('a document within the limits runs', async () => {
    const response = await t.gql(token, deepQuery(10));
    expect(response.errors).toBeUndefined();
  });

  test.each(Object.entries(oversized))('%s is refused over HTTP without executing', async (_label, query) => {
    const response = await t.gql(token, query);
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    // Refused by a limit, not because the test wrote a malformed document.
    expect(response.errors?.[0].message).not.toMatch(/Unexpected/);
    expect(response.data).toBeUndefined();
  });

  test.each(Object.entries(oversized))(
    '%s is refused over WebSocket without executing',
    async (_label, query) => {
      const client = t.wsClient(token);
      const outcome = await new Promise<{ data?: unknown; errors?: unknown }>((resolve) => {
        client.subscribe(
          { query },
          {
            next: (value) => resolve({ data: value.data }),
            error: (errors) => resolve({ errors }),
            complete: () => undefined,
          },
        );
      });
      expect(outcome.data).toBeUndefined();
      expect(JSON.stringify(outcome.errors)).toContain('BAD_USER_INPUT');
    },
  );

  test('a 10 MB body is refused with 413', async () => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { userId } }', variables: { pad: 'x'.repeat(10 * 1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
  });

  test('a batched array is refused', async () => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ query: '{ me { userId } }' }, { query: '{ me { userId } }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('"userId"');
  });
});
