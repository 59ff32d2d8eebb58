import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { emlFolder } from '../../src/email/email-delivery';
import { outboxFile } from '../../src/email/sqlite-outbox';
import { startTestApp, type TestApp } from '../support/app-harness';
import { tempDir, waitUntil } from '../support/temp';
import { settle } from './access-fixtures';
import { accountRole, addUsersOk, createAccount, signInAll } from './accounts-fixtures';

describe('email across restarts', () => {
  const data = tempDir('saas-email-restart-');
  let t: TestApp | null = null;
  afterAll(async () => {
    await t?.stop();
    data.remove();
  });

  const emlFiles = () => readdirSync(emlFolder(data.dir)).filter((name) => name.endsWith('.eml'));
  const clearFolder = () => rmSync(emlFolder(data.dir), { recursive: true, force: true });
  /** Adds the user (notify); returns the recipients of the .eml files in the folder once mail arrived. */
  async function mailForAdding(app: TestApp, accountId: string, userId: string): Promise<string[]> {
    const owner = await app.signIn('owner');
    await app.signIn(userId);
    await addUsersOk(app, owner, accountId, [userId], [accountRole('SMART_ACCOUNT_VIEWER')]);
    await waitUntil(() => {
      try {
        return emlFiles().length > 0;
      } catch {
        return false;
      }
    }, 10_000);
    await settle(300);
    return emlFiles().map(
      (name) => /^To: (.*)$/m.exec(readFileSync(path.join(emlFolder(data.dir), name), 'utf8'))?.[1] ?? '',
    );
  }

  test('a restart never sends old mail again; a new outbox on an existing log starts at its head', async () => {
    clearFolder();
    t = await startTestApp({}, { dataDir: data.dir });
    const tokens = await signInAll(t, ['owner']);
    const account = await createAccount(t, tokens.owner, 'Restart', 'mail-restart.example');
    expect(await mailForAdding(t, account.id, 'pia')).toEqual(['pia <pia@example.com>']);
    await t.stop();

    clearFolder();
    t = await startTestApp({}, { dataDir: data.dir });
    expect(await mailForAdding(t, account.id, 'quinn')).toEqual(['quinn <quinn@example.com>']);
    await t.stop();

    clearFolder();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${outboxFile(data.dir)}${suffix}`, { force: true });
    t = await startTestApp({}, { dataDir: data.dir });
    expect(await mailForAdding(t, account.id, 'rolf')).toEqual(['rolf <rolf@example.com>']);
  });
});
