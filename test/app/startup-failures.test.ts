import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { startTestApp } from '../support/app-harness';
import { tempDir } from '../support/temp';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

/** A local port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A syntactically valid RS256 token: verifying it needs the identity provider's keys. */
const rs256Token = (): string => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + 600;
  return `${part({ alg: 'RS256', kid: 'k1' })}.${part({ sub: 'alice', email: 'a@example.com', exp })}.c2ln`;
};

describe('start-up failures name what failed and why', () => {
  const temp = tempDir('saas-startup-');
  afterAll(() => temp.remove());

  it('a DATA_DIR that is a file', async () => {
    const file = path.join(temp.dir, 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(startTestApp({ DATA_DIR: file })).rejects.toThrow(
      `cannot open the event store ${file}/events.sqlite: DATA_DIR ${file} (or a folder above it) is a file, not a folder`,
    );
  });

  it('an events.sqlite that is a folder, or not a database', async () => {
    const folder = path.join(temp.dir, 'folder-db');
    mkdirSync(path.join(folder, 'events.sqlite'), { recursive: true });
    await expect(startTestApp({ DATA_DIR: folder })).rejects.toThrow(
      `cannot open the event store ${folder}/events.sqlite: SQLite cannot open it`,
    );
    const garbage = path.join(temp.dir, 'garbage-db');
    mkdirSync(garbage);
    writeFileSync(path.join(garbage, 'events.sqlite'), 'garbage '.repeat(100));
    await expect(startTestApp({ DATA_DIR: garbage })).rejects.toThrow(
      `cannot open the event store ${garbage}/events.sqlite: it is not a SQLite database`,
    );
  });

  it('an unreachable KurrentDB, named without its credentials', async () => {
    const port = await closedPort();
    const failure = startTestApp({
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_CONNECTION_STRING: `kurrentdb://admin:s3cret-pass@127.0.0.1:${port}?tls=false`,
    });
    await expect(failure).rejects.toThrow(
      `cannot reach KurrentDB at kurrentdb://127.0.0.1:${port}?tls=false: no server answered`,
    );
    await expect(failure).rejects.not.toThrow(/s3cret-pass/);
  });

  it('an unreachable JWKS URL: a log line naming it and why; the caller is told the keys are unavailable', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const port = await closedPort();
    const app = await startTestApp(
      { AUTH_JWKS_URL: `http://idp:s3cret-pass@127.0.0.1:${port}/jwks.json`, AUTH_JWT_SECRET: '' },
      { logger },
    );
    try {
      const response = await app.gql(rs256Token(), '{ me { userId } }');
      expect(response.errors?.[0]).toMatchObject({
        message: 'token keys unavailable',
        extensions: { code: 'UNAUTHENTICATED' },
      });
      const logged = lines
        .map((line) => JSON.parse(line) as { msg: string; jwksUrl?: string; reason?: string })
        .filter((line) => line.jwksUrl !== undefined);
      expect(logged).toEqual([
        expect.objectContaining({
          msg: 'cannot fetch the token keys (AUTH_JWKS_URL)',
          jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
          reason: expect.stringContaining('ECONNREFUSED'),
        }),
      ]);
      expect(lines.join('')).not.toContain('s3cret-pass');
    } finally {
      await app.stop();
    }
  });

  it('the entry point prints one line and exits 1', async () => {
    const file = path.join(temp.dir, 'entry-file');
    writeFileSync(file, 'not a folder');
    const failure = run(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/app/main.ts'], {
      cwd: root,
      env: { ...process.env, DATA_DIR: file, PORT: '0', EVENT_STORE: 'sqlite', LOG_LEVEL: 'info' },
    });
    const error = (await failure.then(
      () => null,
      (rejected: unknown) => rejected,
    )) as { code: number; stderr: string } | null;
    expect(error?.code).toBe(1);
    expect(error?.stderr.trimEnd().split('\n')).toEqual([
      `start-up failed: cannot open the event store ${file}/events.sqlite: DATA_DIR ${file} (or a folder above it) is a file, not a folder`,
    ]);
    // A Node process compiling the app with ts-node: slow on a busy 2-core machine.
  }, 120_000);
});
