import WebSocket from 'ws';
import { LEASES, ServerProcesses, testToken, type ServerChild } from '../support/cluster-processes';
import { testRedis } from '../support/redis';
import { replayCli } from '../support/replay-cli';
import { tempDir, waitUntil } from '../support/temp';
import { CREATE_ACCOUNT, SET_USER_ROLES, ADD_USERS, accountRole, dataOf } from '../e2e/accounts-fixtures';
import { REBUILD_ELSEWHERE } from '../../src/cluster/cluster-replay';
import { LEASE_TTL_MS } from '../../src/cluster/lease';

/** The status a WebSocket upgrade to `url` is answered with (101: accepted). */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', reject);
  });
}

/**
 * ROLE=projector runs the projections and serves no API; ROLE=api serves the API and never
 * projects, not even when no process projects.
 */
describe('a projector-only process and an API-only process', () => {
  const redis = testRedis();
  const prefix = redis.prefix();
  const data = tempDir('saas-roles-');
  const servers = new ServerProcesses(data.dir, prefix);
  let projector: ServerChild;
  let api: ServerChild;
  let admin: string;
  let accountId: string;

  beforeAll(async () => {
    projector = await servers.start({ ROLE: 'projector' });
    api = await servers.start({ ROLE: 'api' });
    admin = await testToken('admin');
  }, 60_000);
  afterAll(async () => {
    await servers.close();
    await redis.cleanup();
    data.remove();
  });

  test('the API process serves what the projector projects, and holds no lease', async () => {
    dataOf(await api.gql(admin, '{ me { userId } }'));
    dataOf(await api.gql(await testToken('bob'), '{ me { userId } }'));
    const { createSmartAccount } = dataOf(
      await api.gql<{ createSmartAccount: { id: string } }>(admin, CREATE_ACCOUNT, {
        input: { name: 'Roles', domainIdentifier: 'roles.example' },
      }),
    );
    accountId = createSmartAccount.id;
    dataOf(
      await api.gql(admin, ADD_USERS, {
        input: { accountId, users: ['bob'], roles: [accountRole('SMART_ACCOUNT_VIEWER')] },
      }),
    );
    expect((await api.readyz()).projecting).toEqual([]);
    for (const lease of LEASES)
      expect(await redis.redis.get(`${prefix}lease:${lease}`)).toContain(`:${projector.child.pid}:`);
  });

  test('the projector serves health, readiness and metrics; GraphQL, WebSocket, GraphiQL and exports only the API process', async () => {
    const status = async (server: ServerChild, path: string, headers: Record<string, string> = {}) =>
      (await fetch(`${server.base}${path}`, { headers })).status;
    const statuses = async (server: ServerChild) => ({
      healthz: await status(server, '/healthz'),
      readyz: await status(server, '/readyz'),
      metrics: await status(server, '/metrics'),
      post: (await server.gql(admin, '{ me { userId } }')).status,
      get: await status(server, '/graphql?query=%7B__typename%7D', { 'apollo-require-preflight': 'true' }),
      graphiql: await status(server, '/graphql', { accept: 'text/html' }),
      ideFile: await status(server, '/ide/graphiql.js'),
      export: await status(server, `/accounts/${accountId}/history.csv`, {
        authorization: `Bearer ${admin}`,
      }),
      webSocket: await upgradeStatus(server.url),
    });
    const ok = { healthz: 200, readyz: 200, metrics: 200 };
    expect(await statuses(projector)).toEqual({
      ...ok,
      post: 404,
      get: 404,
      graphiql: 404,
      ideFile: 404,
      export: 404,
      webSocket: 404,
    });
    expect(await statuses(api)).toEqual({
      ...ok,
      post: 200,
      get: 200,
      graphiql: 200,
      ideFile: 200,
      export: 200,
      webSocket: 101,
    });
  });

  test('replay: the API process verifies and refuses to rebuild; the projector rebuilds while writes go on', async () => {
    expect(await replayCli(api.url, data.dir, '--verify')).toMatchObject({ code: 0 });
    const refused = await replayCli(api.url, data.dir, '--rebuild');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`CONFLICT: ${REBUILD_ELSEWHERE}`);

    let writing = true;
    let writes = 0;
    const writer = (async () => {
      while (writing) {
        const role = writes++ % 2 === 0 ? 'SMART_ACCOUNT_USER' : 'SMART_ACCOUNT_VIEWER';
        dataOf(
          await api.gql(admin, SET_USER_ROLES, {
            input: { accountId, userId: 'bob', roles: [accountRole(role)] },
          }),
        );
      }
    })();
    try {
      expect(await replayCli(projector.base, data.dir, '--rebuild')).toMatchObject({ code: 0 });
    } finally {
      writing = false;
      await writer;
    }
    expect(writes).toBeGreaterThan(0);
    expect(await replayCli(projector.base, data.dir, '--verify')).toMatchObject({ code: 0 });
    expect(await replayCli(api.url, data.dir, '--verify')).toMatchObject({ code: 0 });
  }, 90_000);

  test('with the projector gone, the API process never takes the projections over', async () => {
    const checkpoint = await redis.redis.get(`${prefix}cp:directory.v1`);
    projector.child.kill('SIGKILL');
    await waitUntil(
      async () => (await redis.redis.exists(`${prefix}lease:${LEASES[0]}`)) === 0,
      LEASE_TTL_MS * 5,
    );
    // A write is kept, but no read model reaches it: its response says so after the wait.
    const changed = await api.gql(admin, SET_USER_ROLES, {
      input: { accountId, userId: 'bob', roles: [accountRole('SMART_ACCOUNT_ADMIN')] },
    });
    expect(changed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect((await api.readyz()).projecting).toEqual([]);
    for (const lease of LEASES) expect(await redis.redis.exists(`${prefix}lease:${lease}`)).toBe(0);
    expect(await redis.redis.get(`${prefix}cp:directory.v1`)).toBe(checkpoint);
  }, 60_000);
});
