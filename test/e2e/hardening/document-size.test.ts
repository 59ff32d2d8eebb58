import { startTestApp, type TestApp } from '../../support/app-harness';
import { whileStayingResponsive } from '../../support/responsiveness';
import { wsOutcome } from '../../support/ws-outcome';

/** The documents: 17 KB of `me { userId }` 1,248 times, no aliases, each one distinct. */
const bigDocuments = Array.from(
  { length: 10 },
  (_, i) => `query Big${i} { ${'me { userId } '.repeat(1248)}}`,
);

describe('documents with thousands of fields are refused before validation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  test('ten distinct 17 KB documents without a token are refused over HTTP; /healthz keeps answering', async () => {
    expect(bigDocuments[0].length).toBeGreaterThan(17_000);
    const responses = await whileStayingResponsive(t.url, () =>
      Promise.all(bigDocuments.map((query) => t.gql(null, query))),
    );
    for (const response of responses) {
      expect(response.status).toBe(400);
      expect(response.data).toBeUndefined();
      expect(response.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        selections: 2496,
        maxSelections: 500,
      });
    }
  });

  test('the same documents are refused over WebSocket', async () => {
    const client = t.wsClient(await t.signIn('big-ws'));
    const outcomes = await whileStayingResponsive(t.url, () =>
      Promise.all(bigDocuments.slice(0, 3).map((query) => wsOutcome(client, query))),
    );
    for (const outcome of outcomes) {
      expect(outcome.results).toEqual([]);
      expect(outcome.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxSelections: 500 });
    }
  });

  test('250 fields still run', async () => {
    const token = await t.signIn('big-ok');
    const response = await t.gql(token, `{ ${'me { userId } '.repeat(125)}}`);
    expect(response.errors).toBeUndefined();
  });
});
