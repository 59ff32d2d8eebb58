import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, codeOf, type TestApp } from '../../support/app-harness';
import { whileStayingResponsive } from '../../support/responsiveness';
import { SmallDisk } from '../../support/small-disk';
import { CREATE_ACCOUNT } from '../accounts-fixtures';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');

/** Mounting needs root: a machine without the right runs these only where CI is not set. */
const mountable = SmallDisk.available();
if (!mountable && process.env.CI) throw new Error('CI: the readiness tests need the right to mount a tmpfs');
const describeWithDisk = mountable ? describe : describe.skip;

async function readyz(t: TestApp): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(new URL('/readyz', t.url));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describeWithDisk('/readyz tells whether appends succeed', () => {
  let disk: SmallDisk;
  let t: TestApp;
  let token: string;
  let accounts = 0;
  const createAccount = () => {
    accounts += 1;
    return t.gql(token, CREATE_ACCOUNT, {
      input: { name: `Disk ${accounts}`, domainIdentifier: `disk-${accounts}.example.com` },
    });
  };

  beforeAll(async () => {
    disk = SmallDisk.mount(8);
    t = await startTestApp({}, { dataDir: disk.dir });
    token = await t.signIn('disk-admin');
  });
  afterAll(async () => {
    await t?.stop();
    disk?.unmount();
  });

  test('ready while appends succeed', async () => {
    expect((await createAccount()).errors).toBeUndefined();
    expect(await readyz(t)).toEqual({
      status: 200,
      body: { ready: true, eventStore: 'reachable', projections: 'caught up' },
    });
  });

  test('a full disk: the write fails cleanly, /readyz says not ready, and recovers once there is room', async () => {
    disk.fill();
    const failed = await whileStayingResponsive(t.url, () => createAccount());
    expect(codeOf(failed)).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(failed.errors)).not.toMatch(/SQLITE|ENOSPC|stack/i);
    const notReady = await readyz(t);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ ready: false, eventStore: 'appends failing (SQLITE_FULL)' });

    disk.free();
    expect((await readyz(t)).status).toBe(200);
    expect((await createAccount()).errors).toBeUndefined();
  });
});

describe('a data folder that cannot be opened stops the server', () => {
  /** Runs the entry point as `npm start` does (from source); resolves with its exit code and stderr. */
  async function start(dataDir: string): Promise<{ code: number; stderr: string }> {
    try {
      await run(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/app/main.ts'], {
        cwd: root,
        env: { ...process.env, DATA_DIR: dataDir, PORT: '0', AUTH_JWT_SECRET: 'x'.repeat(40) },
        timeout: 60_000,
      });
      return { code: 0, stderr: '' };
    } catch (error) {
      const failed = error as { code?: number; stderr?: string };
      return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
    }
  }

  (mountable ? test : test.skip)(
    'a read-only data folder: exit 1 naming the path and the reason',
    async () => {
      const disk = SmallDisk.mount(1);
      try {
        disk.readOnly(true);
        const { code, stderr } = await start(disk.dir);
        expect(code).toBe(1);
        expect(stderr.trim().split('\n')).toHaveLength(1);
        expect(stderr).toContain(
          `start-up failed: cannot open the event store ${path.join(disk.dir, 'events.sqlite')}: `,
        );
      } finally {
        disk.unmount();
      }
    },
  );
});
