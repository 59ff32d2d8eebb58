import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp';

const root = path.resolve(__dirname, '../..');

// Each test starts Node processes that compile the app with ts-node: slow on a busy 2-core machine.
jest.setTimeout(120_000);
const run = promisify(execFile);

describe('the entry point and the token command', () => {
  const data = tempDir('saas-start-');
  const env = { ...process.env, DATA_DIR: data.dir, PORT: '0', LOG_LEVEL: 'info', AUTH_JWT_SECRET: '' };
  let server: ReturnType<typeof startServerProcess> | null = null;
  afterAll(() => {
    server?.child.kill('SIGTERM');
    data.remove();
  });

  test('a server started on an empty DATA_DIR serves `me` to a token from `npm run token`', async () => {
    server = startServerProcess(env);
    const url = await server.url;
    const { stdout } = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/token.ts', 'alice', '--email', 'alice@example.com'],
      { cwd: root, env },
    );
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stdout.trim()}` },
      body: JSON.stringify({ query: '{ me { userId email } }' }),
    });
    expect(await response.json()).toEqual({ data: { me: { userId: 'alice', email: 'alice@example.com' } } });
  });

  test('SIGTERM shuts the server down cleanly', async () => {
    const running = server;
    if (!running) throw new Error('no server');
    const exited = new Promise<number | null>((resolve) => running.child.on('exit', (code) => resolve(code)));
    running.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = null;
  });
});
