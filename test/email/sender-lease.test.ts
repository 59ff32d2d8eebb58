import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import { SqliteSenderLease } from '../../src/email/sqlite-sender-lease';
import { tempDir } from '../support/temp';

describe('the sender lease (processes sharing a DATA_DIR)', () => {
  const data = tempDir('saas-lease-');
  const file = path.join(data.dir, 'lease.sqlite');
  afterAll(() => data.remove());

  test('one holder at a time; a stopped holder frees it; a holder whose process died frees it at once', async () => {
    const first = new SqliteSenderLease(file, `${hostname()}:${process.pid}:first`);
    const second = new SqliteSenderLease(file, `${hostname()}:${process.pid}:second`);
    expect(await first.held()).toBe(true);
    expect(await second.held()).toBe(false); // held by a live process
    expect(await first.held()).toBe(true); // renewed
    await first.release();
    expect(await second.held()).toBe(true);
    await second.release();

    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const crashed = new SqliteSenderLease(file, `${hostname()}:${deadPid}:crashed`);
    expect(await crashed.held()).toBe(true);
    const successor = new SqliteSenderLease(file, `${hostname()}:${process.pid}:successor`);
    expect(await successor.held()).toBe(true);
    await successor.release();
    await crashed.release();
  });
});
