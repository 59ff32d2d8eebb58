import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { issueToken } from '../../src/auth/issue';
import { sqliteFile } from '../../src/app/event-store';
import { DEMO_PEOPLE, demoAccountId, shellQuote, tokenArgs, uuidV5 } from '../../src/cli/seed';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { TEST_SECRET, startTestApp, type TestApp } from '../support/app-harness';
import { tempDir } from '../support/temp';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

/** Runs `npm run seed` on `dataDir` with the embedded store, whatever this process's environment says. */
async function seedCli(dataDir: string): Promise<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(AUTH_|EVENT_STORE|KURRENTDB_|REDIS_URL|PORT|HOST)/.test(name)) env[name] = value;
  }
  const { stdout, stderr } = await run(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'src/cli/seed.ts'],
    { cwd: root, env: { ...env, DATA_DIR: dataDir, AUTH_JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent' } },
  );
  // Nothing on stderr but progress, ending with the count of events appended.
  const lines = stderr.trimEnd().split('\n');
  expect(lines.every((line) => line.startsWith('seed: '))).toBe(true);
  const appended = /(\d+) events appended/.exec(stdout)?.[1] ?? '0';
  expect(lines[lines.length - 1]).toMatch(new RegExp(`^seed: done, ${appended} events in `));
  return stdout;
}

async function eventCount(dataDir: string): Promise<number> {
  const store = openSqliteEventStore({ file: sqliteFile(dataDir) });
  try {
    return (await store.readAll({ maxCount: 1_000_000 })).length;
  } finally {
    await store.close();
  }
}

const person = (userId: string) => {
  const found = DEMO_PEOPLE.find((p) => p.userId === userId);
  if (!found) throw new Error(`no demo person ${userId}`);
  return found;
};

/** A token with exactly the claims the guide's `npm run token` line gives. */
const tokenFor = (userId: string) => {
  const { email, name, company } = person(userId);
  return issueToken(TEST_SECRET, { sub: userId, email, name, ...(company !== null && { company }) });
};

interface AccountView {
  id: string;
  name: string;
  domainIdentifier: string;
  virtualAccounts: Array<{ name: string }>;
  myRoles: Array<{ role: string }>;
  users: {
    totalCount: number;
    nodes: Array<{
      profile: { userId: string; active: boolean };
      directRoles: Array<{ role: string; virtualAccount: { name: string } | null }>;
    }>;
  };
}

// Pages of 20 users: with the default 50 the document costs 23,440, over the bound of 20,000.
const ACCOUNTS_QUERY = `{
  mySmartAccounts {
    id name domainIdentifier
    virtualAccounts { name }
    myRoles { role }
    users(first: 20) { totalCount nodes { profile { userId active } directRoles { role virtualAccount { name } } } }
  }
}`;

describe('npm run seed', () => {
  const temp = tempDir('seed-cli-');
  let first: string;
  let second: string;
  let eventsAfterFirst: number;
  let eventsAfterSecond: number;
  let app: TestApp;

  beforeAll(async () => {
    first = await seedCli(temp.dir);
    eventsAfterFirst = await eventCount(temp.dir);
    second = await seedCli(temp.dir);
    eventsAfterSecond = await eventCount(temp.dir);
    app = await startTestApp({}, { dataDir: temp.dir });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    temp.remove();
  });

  it('appends the demo world once; a second run appends nothing and finds the same accounts', () => {
    expect(first).toMatch(/Seeded the demo world into .*: \d+ events appended/);
    expect(eventsAfterFirst).toBeGreaterThan(20);
    expect(second).toMatch(/already in .*: nothing appended/);
    expect(eventsAfterSecond).toBe(eventsAfterFirst);
    const acme = demoAccountId('acme.example');
    expect(first).toMatch(new RegExp(`Acme Corp +acme\\.example +${acme} +created`));
    expect(second).toMatch(new RegExp(`Acme Corp +acme\\.example +${acme} +already there`));
  });

  it('prints a token line per active person whose claims match the profile', () => {
    for (const p of DEMO_PEOPLE.filter((p) => p.active)) {
      expect(first).toContain(`npm run token -- ${tokenArgs(p).map(shellQuote).join(' ')}`);
    }
    expect(first).toContain("npm run token -- alice --email alice@acme.example --name 'Alice Anders'");
    expect(first).not.toContain('npm run token -- frank');
  });

  it('lets alice see her accounts, their Virtual Accounts and users over HTTP', async () => {
    const before = (await app.allEvents()).length;
    const response = await app.gql<{ mySmartAccounts: AccountView[] }>(
      await tokenFor('alice'),
      ACCOUNTS_QUERY,
    );
    expect(response.errors).toBeUndefined();
    // Signing in with the printed claims registers nothing new.
    expect((await app.allEvents()).length).toBe(before);

    const accounts = response.data?.mySmartAccounts ?? [];
    expect(accounts.map((a) => a.name).sort()).toEqual(['Acme Corp', 'Globex']);
    const acme = accounts.find((a) => a.name === 'Acme Corp') as AccountView;
    expect(acme).toMatchObject({ id: demoAccountId('acme.example'), domainIdentifier: 'acme.example' });
    expect(acme.virtualAccounts.map((va) => va.name)).toEqual(['Default', 'Engineering', 'Marketing']);
    expect(acme.myRoles).toEqual([{ role: 'SMART_ACCOUNT_ADMIN' }]);
    expect(acme.users.totalCount).toBe(6);
    const roles = Object.fromEntries(
      acme.users.nodes.map((node) => [
        node.profile.userId,
        node.directRoles.map((r) => (r.virtualAccount ? `${r.role}@${r.virtualAccount.name}` : r.role)),
      ]),
    );
    expect(roles).toEqual({
      alice: ['SMART_ACCOUNT_ADMIN'],
      bob: ['SMART_ACCOUNT_USER'],
      carol: ['SMART_ACCOUNT_VIEWER'],
      dave: ['VIRTUAL_ACCOUNT_ADMIN@Engineering'],
      erin: ['VIRTUAL_ACCOUNT_USER@Engineering', 'VIRTUAL_ACCOUNT_VIEWER@Marketing'],
      frank: ['SMART_ACCOUNT_USER'],
    });
    const frank = acme.users.nodes.find((node) => node.profile.userId === 'frank');
    expect(frank?.profile.active).toBe(false);

    const globex = accounts.find((a) => a.name === 'Globex') as AccountView;
    expect(globex.users.totalCount).toBe(4);
  });

  it('gives the others their roles', async () => {
    const response = await app.gql<{
      mySmartAccounts: Array<{ name: string; myRoles: Array<{ role: string }> }>;
    }>(await tokenFor('carol'), '{ mySmartAccounts { name myRoles { role } } }');
    expect(response.errors).toBeUndefined();
    const byName = Object.fromEntries(
      (response.data?.mySmartAccounts ?? []).map((a) => [a.name, a.myRoles.map((r) => r.role)]),
    );
    expect(byName).toEqual({
      'Acme Corp': ['SMART_ACCOUNT_VIEWER'],
      Globex: ['VIRTUAL_ACCOUNT_ADMIN'],
      Initech: ['SMART_ACCOUNT_USER'],
    });
  });
});

describe('npm run seed: people outside every account', () => {
  const temp = tempDir('seed-outsiders-');
  let app: TestApp;

  beforeAll(async () => {
    await seedCli(temp.dir);
    app = await startTestApp({}, { dataDir: temp.dir });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    temp.remove();
  });

  const outsiders = ['grace', 'heidi', 'ivan'];

  it('are registered profiles that no account mentions', async () => {
    const events = await app.allEvents();
    for (const userId of outsiders) {
      expect(events.some((e) => e.streamId === `profile-${userId}` && e.type === 'ProfileRegistered')).toBe(
        true,
      );
      const elsewhere = events.filter(
        (e) => !e.streamId.startsWith('profile-') && JSON.stringify(e.data).includes(`"${userId}"`),
      );
      expect(elsewhere).toEqual([]);
    }
  });

  it('can be added to Acme by alice, by user ID or email, before they ever sign in', async () => {
    const added = await app.gql<{
      addUsers: { addedCount: number; results: Array<{ input: string; outcome: string }> };
    }>(
      await tokenFor('alice'),
      `mutation Add($input: AddUsersInput!) { addUsers(input: $input) { addedCount results { input outcome } } }`,
      {
        input: {
          accountId: demoAccountId('acme.example'),
          users: ['grace', 'heidi@hooli.example', 'ivan'],
          roles: [{ role: 'SMART_ACCOUNT_VIEWER' }],
          notify: false,
        },
      },
    );
    expect(added.errors).toBeUndefined();
    expect(added.data?.addUsers.results.map((r) => r.outcome)).toEqual(['ADDED', 'ADDED', 'ADDED']);
  });
});

describe('stable demo IDs', () => {
  it('are RFC 4122 version 5 UUIDs', () => {
    // The RFC's own example: the DNS namespace and "www.example.com".
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
    expect(demoAccountId(' ACME.example ')).toBe(demoAccountId('acme.example'));
  });

  it('quotes for the shell only when needed', () => {
    expect(shellQuote('alice@acme.example')).toBe('alice@acme.example');
    expect(shellQuote("O'Brien Ltd")).toBe(`'O'\\''Brien Ltd'`);
  });
});
