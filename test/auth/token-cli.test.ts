import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTokenVerifier } from '../../src/auth/verifier';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string>): Promise<CliResult> {
  const cleanEnv = { ...process.env };
  for (const name of Object.keys(cleanEnv)) if (name.startsWith('AUTH_')) delete cleanEnv[name];
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/token.ts', ...args],
      { cwd: root, env: { ...cleanEnv, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const noAuth = { jwtSecret: null, jwksUrl: null, publicKey: null, issuer: null, audience: null };

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-cli-'));
});
afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('prints a token the server accepts, creating the secret in DATA_DIR', async () => {
  const result = await cli(['alice', '--roles', 'support'], { DATA_DIR: dataDir });
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const token = result.stdout.trim();
  expect(token.split('.')).toHaveLength(3);

  const claims = await createTokenVerifier(noAuth, dataDir).verify(token);
  expect(claims).toMatchObject({
    sub: 'alice',
    email: 'alice@example.com',
    name: 'alice',
    company: null,
    roles: ['support'],
  });
});

it('honours the options, AUTH_ISSUER and AUTH_AUDIENCE', async () => {
  const env = { DATA_DIR: dataDir, AUTH_ISSUER: 'https://issuer.test', AUTH_AUDIENCE: 'access-api' };
  const args = ['bob', '--email', 'bob@acme.test', '--name', 'Bob B', '--company', 'Acme', '--ttl', '120'];
  const result = await cli(args, env);
  expect(result.code).toBe(0);

  const verifier = createTokenVerifier(
    { ...noAuth, issuer: 'https://issuer.test', audience: 'access-api' },
    dataDir,
  );
  const claims = await verifier.verify(result.stdout.trim());
  expect(claims).toMatchObject({
    sub: 'bob',
    email: 'bob@acme.test',
    name: 'Bob B',
    company: 'Acme',
    roles: [],
  });
  expect(claims.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(120);
});

it.each([
  [[]],
  [['a', 'b']],
  [['alice', '--roles', 'admin']],
  [['alice', '--ttl', '0']],
  [['alice', '--bogus']],
])('exits 2 on bad usage %p', async (args) => {
  const result = await cli(args, { DATA_DIR: dataDir });
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/usage/);
});

it('exits 2 when tokens come from an identity provider', async () => {
  const result = await cli(['alice'], { DATA_DIR: dataDir, AUTH_JWKS_URL: 'https://idp.test/jwks.json' });
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/identity provider/);
});
