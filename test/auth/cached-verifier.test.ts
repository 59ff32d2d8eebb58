import { cachedTokenVerifier } from '../../src/auth/cached-verifier';
import type { Claims, TokenVerifier } from '../../src/auth/claims';
import { issueToken } from '../../src/auth/issue';
import { createTokenVerifier } from '../../src/auth/verifier';
import { DomainError } from '../../src/domain/errors';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const auth = { jwtSecret: SECRET, jwksUrl: null, publicKey: null, issuer: null, audience: null };

/** The real HS256 verifier, counting the tokens it is asked to check. */
function countingVerifier(): TokenVerifier & { checked: string[] } {
  const real = createTokenVerifier(auth, '/nonexistent');
  const checked: string[] = [];
  return {
    checked,
    verify(token: string): Promise<Claims> {
      checked.push(token);
      return real.verify(token);
    },
  };
}

const tokenFor = (sub: string, ttlSeconds = 3600): Promise<string> =>
  issueToken(SECRET, { sub, email: `${sub}@example.com` }, ttlSeconds);

describe('cached token verifier', () => {
  test('the same token is checked once and answers the same claims, frozen', async () => {
    const inner = countingVerifier();
    const verifier = cachedTokenVerifier(inner);
    const token = await tokenFor('alice');

    const first = await verifier.verify(token);
    const second = await verifier.verify(token);

    expect(second).toEqual(first);
    expect(second).toMatchObject({ sub: 'alice', email: 'alice@example.com' });
    expect(inner.checked).toEqual([token]);
    expect(Object.isFrozen(second)).toBe(true);
    expect(Object.isFrozen(second.roles)).toBe(true);
  });

  test('after its exp the token is checked again', async () => {
    const inner = countingVerifier();
    let clock = Date.now();
    const verifier = cachedTokenVerifier(inner, { now: () => clock });
    const token = await tokenFor('bob', 60);
    await verifier.verify(token);

    clock += 61_000;
    await verifier.verify(token);

    expect(inner.checked).toEqual([token, token]);
  });

  test('a refused token is refused every time, never remembered', async () => {
    const inner = countingVerifier();
    const verifier = cachedTokenVerifier(inner);
    const forged = (await tokenFor('mallory')).slice(0, -2) + 'xx';

    for (let i = 0; i < 2; i++) {
      const error: unknown = await verifier.verify(forged).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect(inner.checked).toEqual([forged, forged]);
  });

  test('holds at most maxEntries tokens, forgetting the least recently used', async () => {
    const inner = countingVerifier();
    const verifier = cachedTokenVerifier(inner, { maxEntries: 2 });
    const [a, b, c] = await Promise.all([tokenFor('a'), tokenFor('b'), tokenFor('c')]);

    await verifier.verify(a);
    await verifier.verify(b);
    await verifier.verify(a); // a is now the most recently used
    await verifier.verify(c); // forgets b
    await verifier.verify(a);
    await verifier.verify(b);

    expect(inner.checked).toEqual([a, b, c, b]);
  });

  test('a token in use is never forgotten, however many others come and go', async () => {
    const inner = countingVerifier();
    const verifier = cachedTokenVerifier(inner, { maxEntries: 4 });
    const hot = await tokenFor('hot');
    const others = await Promise.all(Array.from({ length: 20 }, (_, i) => tokenFor(`other-${i}`)));

    await verifier.verify(hot);
    for (const other of others) {
      await verifier.verify(other);
      await verifier.verify(hot);
    }
    await verifier.verify(others[0]); // long forgotten: checked again

    expect(inner.checked).toEqual([hot, ...others, others[0]]);
  });
});
