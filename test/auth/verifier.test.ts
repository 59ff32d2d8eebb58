import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { Config } from '../../src/app/config';
import { issueToken } from '../../src/auth/issue';
import { loadOrCreateJwtSecret } from '../../src/auth/secret';
import { bearerToken, createTokenVerifier } from '../../src/auth/verifier';
import { DomainError } from '../../src/domain/errors';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const now = (): number => Math.floor(Date.now() / 1000);

const auth = (overrides: Partial<Config['auth']> = {}): Config['auth'] => ({
  jwtSecret: SECRET,
  jwksUrl: null,
  publicKey: null,
  issuer: null,
  audience: null,
  ...overrides,
});

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-test-'));
});
afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function expectUnauthenticated(promise: Promise<unknown>, message?: string): Promise<void> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe('UNAUTHENTICATED');
  if (message !== undefined) expect((error as DomainError).message).toBe(message);
}

const hs256 = (payload: JWTPayload, secret = SECRET): Promise<string> =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('HS256 mode', () => {
  it('returns the claims of a valid token', async () => {
    const token = await issueToken(SECRET, {
      sub: 'alice',
      email: 'alice@acme.test',
      name: 'Alice',
      company: 'Acme',
      roles: ['support', 'auditor'],
    });
    const claims = await createTokenVerifier(auth(), dataDir).verify(token);
    expect(claims).toEqual({
      sub: 'alice',
      email: 'alice@acme.test',
      name: 'Alice',
      company: 'Acme',
      roles: ['support', 'auditor'],
      exp: expect.any(Number),
    });
    expect(claims.exp).toBeGreaterThan(now());
  });

  it('defaults name to the email local part, company to null and roles to none', async () => {
    const token = await issueToken(SECRET, { sub: 'bob', email: 'bob.smith@acme.test' });
    const claims = await createTokenVerifier(auth(), dataDir).verify(token);
    expect(claims).toMatchObject({ name: 'bob.smith', company: null, roles: [] });
  });

  it('accepts roles as a comma/space separated string and drops unknown roles', async () => {
    const token = await hs256({
      sub: 'a',
      email: 'a@x.test',
      roles: 'support, admin auditor',
      exp: now() + 60,
    });
    const claims = await createTokenVerifier(auth(), dataDir).verify(token);
    expect(claims.roles).toEqual(['support', 'auditor']);
  });

  it('drops unknown and non-string roles from an array', async () => {
    const token = await hs256({
      sub: 'a',
      email: 'a@x.test',
      roles: ['owner', 3, 'auditor'],
      exp: now() + 60,
    });
    expect((await createTokenVerifier(auth(), dataDir).verify(token)).roles).toEqual(['auditor']);
  });

  it('refuses alg none', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'a', email: 'a@x.test', exp: now() + 60 })}.`;
    await expectUnauthenticated(createTokenVerifier(auth(), dataDir).verify(token));
  });

  it('refuses a token signed with another secret', async () => {
    const token = await issueToken('another-secret-that-is-long-enough-too', { sub: 'a', email: 'a@x.test' });
    await expectUnauthenticated(
      createTokenVerifier(auth(), dataDir).verify(token),
      'invalid token signature',
    );
  });

  it('refuses an expired token', async () => {
    const token = await hs256({ sub: 'a', email: 'a@x.test', exp: now() - 60 });
    await expectUnauthenticated(createTokenVerifier(auth(), dataDir).verify(token), 'token expired');
  });

  it('refuses a token without exp', async () => {
    const token = await hs256({ sub: 'a', email: 'a@x.test' });
    await expectUnauthenticated(
      createTokenVerifier(auth(), dataDir).verify(token),
      'token has no valid expiry',
    );
  });

  it('refuses a token without sub or email', async () => {
    const verifier = createTokenVerifier(auth(), dataDir);
    await expectUnauthenticated(verifier.verify(await hs256({ email: 'a@x.test', exp: now() + 60 })));
    await expectUnauthenticated(
      verifier.verify(await hs256({ sub: '', email: 'a@x.test', exp: now() + 60 })),
    );
    await expectUnauthenticated(
      verifier.verify(await hs256({ sub: 'a', exp: now() + 60 })),
      'token has no email',
    );
  });

  it('refuses garbage', async () => {
    await expectUnauthenticated(createTokenVerifier(auth(), dataDir).verify('not.a.jwt'), 'invalid token');
    await expectUnauthenticated(createTokenVerifier(auth(), dataDir).verify(''), 'invalid token');
  });

  it('enforces iss and aud when configured', async () => {
    const verifier = createTokenVerifier(
      auth({ issuer: 'https://issuer.test', audience: 'access-api' }),
      dataDir,
    );
    const claims = { sub: 'a', email: 'a@x.test' };
    const good = await issueToken(SECRET, claims, 60, {
      issuer: 'https://issuer.test',
      audience: 'access-api',
    });
    await expect(verifier.verify(good)).resolves.toMatchObject({ sub: 'a' });

    const wrongIss = await issueToken(SECRET, claims, 60, {
      issuer: 'https://evil.test',
      audience: 'access-api',
    });
    await expectUnauthenticated(verifier.verify(wrongIss), 'token issuer not accepted');
    const wrongAud = await issueToken(SECRET, claims, 60, {
      issuer: 'https://issuer.test',
      audience: 'other',
    });
    await expectUnauthenticated(verifier.verify(wrongAud), 'token audience not accepted');
    const none = await issueToken(SECRET, claims, 60);
    await expectUnauthenticated(verifier.verify(none));
  });

  it('uses the secret kept in DATA_DIR when AUTH_JWT_SECRET is not set', async () => {
    const verifier = createTokenVerifier(auth({ jwtSecret: null }), dataDir);
    const secret = loadOrCreateJwtSecret(dataDir);
    const token = await issueToken(secret, { sub: 'a', email: 'a@x.test' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'a' });
    await expectUnauthenticated(verifier.verify(await issueToken(SECRET, { sub: 'a', email: 'a@x.test' })));
  });
});

describe.each(['RS256', 'ES256'] as const)('%s with AUTH_PUBLIC_KEY', (alg) => {
  const sign = async (key: KeyPair['privateKey'], payload: JWTPayload): Promise<string> =>
    new SignJWT(payload).setProtectedHeader({ alg }).sign(key);

  it('accepts a token signed by the key and refuses HS256 and other keys', async () => {
    const { publicKey, privateKey } = await generateKeyPair(alg);
    const other = await generateKeyPair(alg);
    const pem = await exportSPKI(publicKey);
    const verifier = createTokenVerifier(auth({ publicKey: pem }), dataDir);
    const payload = { sub: 'a', email: 'a@x.test', exp: now() + 60 };

    await expect(verifier.verify(await sign(privateKey, payload))).resolves.toMatchObject({ sub: 'a' });
    await expectUnauthenticated(verifier.verify(await hs256(payload)), 'token algorithm not accepted');
    await expectUnauthenticated(
      verifier.verify(await sign(other.privateKey, payload)),
      'invalid token signature',
    );
  });

  it('accepts a PEM whose newlines are escaped as \\n', async () => {
    const { publicKey, privateKey } = await generateKeyPair(alg);
    const escaped = (await exportSPKI(publicKey)).replace(/\n/g, '\\n');
    const verifier = createTokenVerifier(auth({ publicKey: escaped }), dataDir);
    const token = await sign(privateKey, { sub: 'a', email: 'a@x.test', exp: now() + 60 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'a' });
  });
});

describe('AUTH_JWKS_URL', () => {
  let server: http.Server;
  let jwksUrl: string;
  let keys: { rsa: KeyPair; ec: KeyPair };

  beforeAll(async () => {
    keys = { rsa: await generateKeyPair('RS256'), ec: await generateKeyPair('ES256') };
    const jwks = {
      keys: [
        { ...(await exportJWK(keys.rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(keys.ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
      ],
    };
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  });

  const payload = (): JWTPayload => ({ sub: 'a', email: 'a@x.test', exp: now() + 60 });

  it('accepts RS256 and ES256 tokens signed by keys in the set', async () => {
    const verifier = createTokenVerifier(auth({ jwksUrl }), dataDir);
    const rs = await new SignJWT(payload())
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign(keys.rsa.privateKey);
    const es = await new SignJWT(payload())
      .setProtectedHeader({ alg: 'ES256', kid: 'ec-1' })
      .sign(keys.ec.privateKey);
    await expect(verifier.verify(rs)).resolves.toMatchObject({ sub: 'a' });
    await expect(verifier.verify(es)).resolves.toMatchObject({ sub: 'a' });
  });

  it('refuses HS256 tokens and tokens signed by keys outside the set', async () => {
    const verifier = createTokenVerifier(auth({ jwksUrl }), dataDir);
    await expectUnauthenticated(verifier.verify(await hs256(payload())));
    const stranger = await generateKeyPair('RS256');
    const token = await new SignJWT(payload())
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign(stranger.privateKey);
    await expectUnauthenticated(verifier.verify(token), 'invalid token signature');
  });
});

describe('loadOrCreateJwtSecret', () => {
  it('generates the secret once, with mode 0600, and reuses it', () => {
    const dir = path.join(dataDir, 'nested', 'data');
    const first = loadOrCreateJwtSecret(dir);
    expect(first.length).toBeGreaterThanOrEqual(43); // 32+ random bytes in base64url
    expect(first).toMatch(/^[A-Za-z0-9_-]+$/);
    const file = path.join(dir, 'auth-secret');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateJwtSecret(dir)).toBe(first);
    expect(fs.readdirSync(dir)).toEqual(['auth-secret']);
  });

  it('ends with one secret when several processes start together', async () => {
    const script =
      "process.stdout.write(require('./src/auth/secret').loadOrCreateJwtSecret(process.argv[1]))";
    const start = (): Promise<string> =>
      new Promise((resolve, reject) =>
        execFile(
          process.execPath,
          ['-r', 'ts-node/register/transpile-only', '-e', script, dataDir],
          { cwd: path.resolve(__dirname, '../..') },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        ),
      );
    const secrets = await Promise.all([start(), start(), start(), start()]);
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]).toBe(fs.readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim());
    expect(fs.readdirSync(dataDir)).toEqual(['auth-secret']);
  });

  it('keeps a secret that another process created first', () => {
    const existing = 'x'.repeat(64);
    fs.writeFileSync(path.join(dataDir, 'auth-secret'), `${existing}\n`, { mode: 0o600 });
    expect(loadOrCreateJwtSecret(dataDir)).toBe(existing);
  });
});

describe('bearerToken', () => {
  it('returns null without a header', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken(null)).toBeNull();
    expect(bearerToken('')).toBeNull();
  });

  it('extracts the token, whatever the case of the scheme', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('BEARER  abc.def.ghi ')).toBe('abc.def.ghi');
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearer a b', 'abc.def.ghi', 'Bearerabc'])(
    'refuses the malformed header %p',
    (header) => {
      expect(() => bearerToken(header)).toThrow(
        expect.objectContaining({ code: 'UNAUTHENTICATED', message: 'malformed Authorization header' }),
      );
    },
  );
});
