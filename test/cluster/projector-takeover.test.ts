import { RedisReadModelStore } from '../../src/readmodel/redis';
import { LEASES, ServerProcesses, testToken, type ServerChild } from '../support/cluster-processes';
import { rebuildFromLog } from '../support/read-model-rebuild';
import { testRedis } from '../support/redis';
import { replayCli } from '../support/replay-cli';
import { tempDir, waitUntil } from '../support/temp';

const USERS = 30;
/** Added at once, with the projector killed while they are in flight. */
const IN_FLIGHT = 5;
const KILL_AFTER = 10;

describe('the projector process killed mid-stream (kill -9)', () => {
  const redis = testRedis();
  const prefix = redis.prefix();
  const data = tempDir('saas-takeover-');
  const servers = new ServerProcesses(data.dir, prefix);
  /** The process that took over (set by the first test). */
  let survivor: ServerChild;

  afterAll(async () => {
    await servers.close();
    await redis.cleanup();
    data.remove();
  });

  test('the other process takes over from the checkpoint; its read models then equal a rebuild, and replay --verify says so', async () => {
    const holder = await servers.start();
    const other = await servers.start();
    expect((await holder.readyz()).projecting).toEqual(LEASES);
    expect((await other.readyz()).projecting).toEqual([]);

    const admin = await testToken('admin');
    const userIds = Array.from({ length: USERS }, (_, i) => `user-${i}`);
    for (const userId of userIds) await other.gql(await testToken(userId), '{ me { userId } }');
    const created = await other.gql<{ createSmartAccount: { id: string } }>(
      admin,
      'mutation ($input: CreateSmartAccountInput!) { createSmartAccount(input: $input) { id } }',
      { input: { name: 'Takeover', domainIdentifier: 'takeover.example' } },
    );
    const accountId = created.data?.createSmartAccount.id as string;

    const acknowledged: string[] = [];
    const add = async (i: number) => {
      const added = await other.gql(admin, ADD_USERS, {
        input: { accountId, users: [userIds[i]], roles: [{ role: 'SMART_ACCOUNT_VIEWER' }] },
      });
      if (!added.errors) acknowledged.push(userIds[i]);
    };
    for (let i = 0; i < KILL_AFTER; i++) await add(i);
    const inFlight = Array.from({ length: IN_FLIGHT }, (_, k) => add(KILL_AFTER + k));
    holder.child.kill('SIGKILL');
    await Promise.all(inFlight);
    for (let i = KILL_AFTER + IN_FLIGHT; i < USERS; i++) await add(i);
    await waitUntil(async () => (await other.readyz()).ready === true, 30_000);
    expect((await other.readyz()).projecting).toEqual(LEASES);

    const listed = await other.gql<{
      smartAccount: { users: { nodes: Array<{ profile: { userId: string } }> } };
    }>(
      admin,
      'query ($id: ID!) { smartAccount(id: $id) { users(first: 100) { nodes { profile { userId } } } } }',
      { id: accountId },
    );
    const ids = listed.data?.smartAccount.users.nodes.map((node) => node.profile.userId) ?? [];
    for (const userId of acknowledged) expect(ids).toContain(userId);
    expect(acknowledged.length).toBeGreaterThan(KILL_AFTER);

    expect(await new RedisReadModelStore(redis.redis, prefix).dump()).toEqual(await rebuildFromLog(data.dir));
    const verified = await replayCli(other.url, data.dir, '--verify');
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(/^The read models equal a replay of the event log \(\d+ keys; /);
    survivor = other;
  }, 120_000);

  test('replay --verify names a Redis key changed behind its back (exit 1); --rebuild on the projecting process repairs it', async () => {
    const key = `${prefix}rm:v:profile:user-3`;
    const original = await redis.redis.get(key);
    if (original === null) throw new Error(`no ${key}`);
    const profile = JSON.parse(original) as Record<string, unknown>;
    // Straight into Redis: no event, no checkpoint moves.
    await redis.redis.set(key, JSON.stringify({ ...profile, name: 'Mallory' }));
    await redis.redis.set(`${prefix}rm:v:profile:ghost`, JSON.stringify({ userId: 'ghost' }));

    const failed = await replayCli(survivor.url, data.dir, '--verify');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('differ from a replay of the event log in 2 of');
    expect(failed.stdout).toContain(
      [
        '  profile:ghost',
        '    expected: (missing)',
        '    actual:   {"userId":"ghost"}',
        '  profile:user-3',
        `    expected: ${original}`,
        `    actual:   ${JSON.stringify({ ...profile, name: 'Mallory' })}`,
      ].join('\n'),
    );

    const rebuilt = await replayCli(survivor.url, data.dir, '--rebuild');
    expect(rebuilt).toMatchObject({ code: 0 });
    expect(rebuilt.stdout).toMatch(/^Rebuilt the read models from the event log \(directory\.v1 at \d+\)/);
    expect(JSON.parse((await redis.redis.get(key)) ?? 'null')).toEqual(profile);
    expect(await redis.redis.exists(`${prefix}rm:v:profile:ghost`)).toBe(0);
    expect(await replayCli(survivor.url, data.dir, '--verify')).toMatchObject({ code: 0 });
    // Nothing of the rebuild is left next to the read models.
    expect(await redis.redis.keys(`${prefix}rebuild:*`)).toEqual([]);
  }, 60_000);
});

const ADD_USERS = `mutation ($input: AddUsersInput!) { addUsers(input: $input) { addedCount } }`;
