import { startTestApp, codeOf, type TestApp } from '../support/app-harness';

describe('me and updateMyProfile over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  test('a valid token registers the profile once, however often it calls', async () => {
    const token = await t.token('alice', { email: 'alice@example.com', name: 'Alice' });
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.gql(token, '{ me { userId email name company active registeredAt } }'),
      ),
    );
    for (const response of responses) {
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({
        me: {
          userId: 'alice',
          email: 'alice@example.com',
          name: 'Alice',
          company: null,
          active: true,
          registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      });
    }
    const registered = (await t.allEvents()).filter(
      (e) => e.type === 'ProfileRegistered' && e.data.userId === 'alice',
    );
    expect(registered).toHaveLength(1);
    expect(registered[0].metadata.actorId).toBe('alice');
  });

  test('changed claims update the profile; updateMyProfile changes name and company', async () => {
    await t.signIn('bob', { name: 'Bob' });
    const renamed = await t.token('bob', { name: 'Robert', email: 'robert@example.com' });
    expect((await t.gql(renamed, '{ me { name email } }')).data).toEqual({
      me: { name: 'Robert', email: 'robert@example.com' },
    });
    const updated = await t.gql(
      renamed,
      'mutation { updateMyProfile(input: { name: "  Bobby ", company: "Acme" }) { name company } }',
    );
    expect(updated.data).toEqual({ updateMyProfile: { name: 'Bobby', company: 'Acme' } });
    expect((await t.gql(renamed, '{ me { name company } }')).data).toEqual({
      me: { name: 'Bobby', company: 'Acme' },
    });
  });

  test('bad input is BAD_USER_INPUT with the field, and appends nothing', async () => {
    const token = await t.signIn('carol');
    const before = (await t.allEvents()).length;
    const response = await t.gql(token, 'mutation { updateMyProfile(input: { name: "   " }) { name } }');
    expect(codeOf(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0].extensions?.field).toBe('name');
    expect((await t.allEvents()).length).toBe(before);
  });

  test('without a token, me is UNAUTHENTICATED', async () => {
    expect(codeOf(await t.gql(null, '{ me { userId } }'))).toBe('UNAUTHENTICATED');
  });
});
