import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startApp, type RunningApp } from '../src/app/app';
import { CommandHandler } from '../src/app/command-handler';
import { loadConfig, type Config } from '../src/app/config';
import { openEventStore } from '../src/app/event-store';
import { issueToken } from '../src/auth/issue';
import { accountDecider, accountStreamId, type Role } from '../src/domain/account';
import type { Actor } from '../src/domain/decider';
import type { EventStore } from '../src/eventstore/port';
import { GraphQLClient } from './client';
import { benchEmail } from './email';
import { benchEventStores } from './event-stores';
import { measureFanOut } from './fanout';
import { benchHistory } from './history';
import { measureHardening } from './hardening';
import { measureRestarts } from './restart';
import { benchPeople, registerProfiles, type BenchPerson } from './people';
import { formatMs, sample, summarize, table, thousands, timeMs, type Row } from './stats';
import { measureUsersThroughput } from './users-throughput';
import { BENCH_SECRET } from './secret';

/**
 * `npm run bench`: figures for the README, never assertions. A real server (embedded SQLite
 * event store, in-memory read models) runs in this process on a temp DATA_DIR; every
 * measured call goes over HTTP like a client's.
 */

const USERS = 10_000;
const BASELINE_RUNS = 100;
const CSV_RUNS = 7;
const CSV_USER_ID_RUNS = 3;
const CSV_DRY_RUNS = 3;
const SEARCH_RUNS = 50;
const SEARCH_WARMUP = 5;
const COMMAND_RUNS = 200;
const COMMAND_WARMUP = 10;
const VIRTUAL_ACCOUNT_RUNS = 30;
const HISTORY_CHANGES = 10_000;
const COLD_LOAD_RUNS = 5;
const FANOUT_SUBSCRIBERS = 1000;
const FANOUT_ROUNDS = 5;
const ADMIN = { sub: 'bench-admin', email: 'admin@bench.example', name: 'Bench Admin' };

const out = (line = '') => process.stdout.write(`${line}\n`);
const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function createAccount(client: GraphQLClient, name: string, domain: string): Promise<string> {
  const data = await client.request<{ createSmartAccount: { id: string } }>(
    'mutation($input: CreateSmartAccountInput!) { createSmartAccount(input: $input) { id } }',
    { input: { name, domainIdentifier: domain } },
  );
  return data.createSmartAccount.id;
}

const ADD_USERS = `mutation($input: AddUsersInput!) {
  addUsers(input: $input) { addedCount results { line outcome message } }
}`;

/** Adds (or, with `dryRun`, reviews) the users; returns how many were added (would be added). */
async function addUsers(
  client: GraphQLClient,
  accountId: string,
  input: { csv: string } | { users: string[] },
  dryRun = false,
): Promise<number> {
  const data = await client.request<{
    addUsers: { addedCount: number; results: Array<{ outcome: string }> };
  }>(ADD_USERS, {
    input: { accountId, ...input, roles: [{ role: 'SMART_ACCOUNT_USER' }], notify: false, dryRun },
  });
  const { addedCount, results } = data.addUsers;
  return dryRun ? results.filter((result) => result.outcome === 'WOULD_ADD').length : addedCount;
}

const SET_USER_ROLES = `mutation($input: SetUserRolesInput!) {
  setUserRoles(input: $input) { profile { userId } directRoles { role } }
}`;

/** Changes the user's role on every call (USER ↔ VIEWER), so each call appends one event. */
function roleToggler(client: GraphQLClient, accountId: string, userId: string) {
  let flip = false;
  return async () => {
    flip = !flip;
    const role: Role = flip ? 'SMART_ACCOUNT_VIEWER' : 'SMART_ACCOUNT_USER';
    await client.request(SET_USER_ROLES, { input: { accountId, userId, roles: [{ role }] } });
  };
}

function virtualAccountCreator(client: GraphQLClient, accountId: string) {
  let n = 0;
  return async () => {
    n++;
    await client.request(
      'mutation($input: CreateVirtualAccountInput!) { createVirtualAccount(input: $input) { id } }',
      { input: { accountId, name: `Bench VA ${n}` } },
    );
  };
}

/**
 * Measures several operations in alternation (ABAB…, the order swapped every run), so drift
 * in the machine's speed hits them alike. Returns one sample list per operation.
 */
async function interleaved(
  runs: number,
  warmup: number,
  operations: ReadonlyArray<() => Promise<unknown>>,
): Promise<number[][]> {
  for (let i = 0; i < warmup; i++) for (const operation of operations) await operation();
  const samples = operations.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    const order = operations.map((_, index) => index);
    if (i % 2 === 1) order.reverse();
    for (const index of order) samples[index].push(await timeMs(operations[index]));
  }
  return samples;
}

const streamLength = async (store: EventStore, accountId: string): Promise<number> => {
  const [last] = await store.readStream(accountStreamId(accountId), { direction: 'backwards', maxCount: 1 });
  return last === undefined ? 0 : last.revision + 1;
};

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function bench(config: Config): Promise<void> {
  const people = benchPeople(USERS);

  // ------------------------------------------------------------------------------------ setup
  const setupStore = openEventStore(config);
  const registerMs = await timeMs(() => registerProfiles(setupStore, people));
  await setupStore.close();
  out(`setup: ${thousands(USERS)} profiles registered through the command side in ${formatMs(registerMs)}`);

  let app: RunningApp | undefined;
  const startMs = await timeMs(async () => {
    app = await startApp(config, { logger: pino({ level: 'silent' }) });
  });
  if (app === undefined) throw new Error('the app did not start');
  const running = app;
  try {
    out(`setup: the server started and replayed ${thousands(USERS)} events in ${formatMs(startMs)}`);
    const client = new GraphQLClient(running.url, await issueToken(BENCH_SECRET, ADMIN));
    await client.request('{ me { userId } }');
    await measure(running, client, people, config);
    if (client.retries > 0) {
      out(`(${client.retries} request(s) were sent again after a stale kept-alive connection)`);
    }
  } finally {
    await running.close();
  }

  // -------------------------------------------------------------- 5. restart: replay the log
  const headStore = openEventStore(config);
  const head = await headStore.headPosition(); // SQLite: the position is the row id, i.e. the count
  await headStore.close();
  out();
  out(
    `5. Restart: a new server on the same DATA_DIR (${thousands(Number(head?.commit ?? 0))} events), ` +
      'with a full replay and from the snapshot the graceful stop writes',
  );
  await measureRestarts(config, '   ');
  const restarted = await startApp(config, { logger: pino({ level: 'silent' }) });
  try {
    await measureReplay(restarted);
  } finally {
    await restarted.close();
  }
}

/** 6. What `npm run replay` asks of the server: one NDJSON answer, read to its end. */
async function measureReplay(app: RunningApp): Promise<void> {
  const base = app.url.replace(/\/graphql$/, '');
  const call = async (method: 'GET' | 'POST', route: string, role: string): Promise<string> => {
    const token = await issueToken(BENCH_SECRET, { ...ADMIN, roles: [role] });
    const response = await fetch(`${base}/admin/read-models/${route}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
    const lines = (await response.text()).trim().split('\n');
    return lines[lines.length - 1];
  };
  out();
  out('6. replay --verify (replay the log into scratch, compare every key) and --rebuild, over HTTP');
  const peak = { rss: process.memoryUsage().rss };
  const watch = setInterval(() => (peak.rss = Math.max(peak.rss, process.memoryUsage().rss)), 50);
  try {
    const before = process.memoryUsage().rss;
    let verdict = '';
    const verifyMs = await timeMs(async () => {
      verdict = await call('GET', 'verify', 'auditor');
    });
    const { verification } = JSON.parse(verdict) as {
      verification: { equal: boolean; keysCompared: number };
    };
    out(
      `   --verify: ${formatMs(verifyMs)}, equal: ${verification.equal}, ${thousands(verification.keysCompared)} keys; ` +
        `RSS ${Math.round(before / 2 ** 20)} MiB before, peak ${Math.round(peak.rss / 2 ** 20)} MiB`,
    );
    const rebuildMs = await timeMs(() => call('POST', 'rebuild', 'support'));
    out(`   --rebuild: ${formatMs(rebuildMs)}`);
  } finally {
    clearInterval(watch);
  }
}

async function measure(
  app: RunningApp,
  client: GraphQLClient,
  people: readonly BenchPerson[],
  config: Config,
): Promise<void> {
  // ------------------------------------------------------------------------ 0. the floor
  out();
  out('0. Baseline: the cheapest authenticated round trip, { me { userId } }, over HTTP');
  const baseline = summarize(await sample(BASELINE_RUNS, () => client.request('{ me { userId } }'), 20));
  out(table([{ label: '{ me { userId } }', summary: baseline }], { p95: true }));

  // ------------------------------------------------------------------- 1. addUsers, CSV of 10,000
  out();
  out(
    `1. addUsers with a CSV file of ${thousands(USERS)} rows, over HTTP, roles [SMART_ACCOUNT_USER], notify false`,
  );
  out('   one call per run, each into a new account: parse, resolve every row to its profile, decide,');
  out(
    `   append ${thousands(USERS)} events, wait for the read models, answer { addedCount results { line outcome message } }`,
  );
  const emailCsv = ['email', ...people.map((person) => person.email)].join('\n');
  const userIdCsv = ['user_id', ...people.map((person) => person.userId)].join('\n');
  const csvAccounts: string[] = [];
  const newAccount = async () => {
    const n = csvAccounts.length + 1;
    const accountId = await createAccount(client, `CSV ${n}`, `csv-${n}.bench.example`);
    csvAccounts.push(accountId);
    return accountId;
  };
  const csvRun = async (csv: string, label: string, runs: number, dryRun = false): Promise<Row> => {
    // A dry run changes nothing, so its runs can share one account.
    const reviewed = dryRun ? await newAccount() : null;
    const samples: number[] = [];
    for (let run = 1; run <= runs; run++) {
      const accountId = reviewed ?? (await newAccount());
      let added = 0;
      samples.push(await timeMs(async () => (added = await addUsers(client, accountId, { csv }, dryRun))));
      if (added !== USERS) throw new Error(`expected ${USERS} users (to be) added, got ${added}`);
    }
    const summary = summarize(samples);
    const rate = thousands(Math.round(USERS / (summary.median / 1000)));
    return {
      label,
      summary,
      note: `${rate} rows/s at the median; in order: ${samples.map(formatMs).join(', ')}`,
    };
  };
  const emailRow = await csvRun(emailCsv, 'CSV of email addresses', CSV_RUNS);
  const userIdRow = await csvRun(userIdCsv, 'CSV of user IDs', CSV_USER_ID_RUNS);
  const reviewRow = await csvRun(emailCsv, 'dryRun of the emails', CSV_DRY_RUNS, true);
  out(table([emailRow, userIdRow, reviewRow], { p95: false }));
  out('   (the dry run resolves, decides and answers but appends nothing: the rest is append + projections)');

  // ---------------------------------------------------------------- 2. users(search) on 10,000
  const big = csvAccounts[0];
  out();
  out(`2. smartAccount(id) { users(first: 50, search) { totalCount nodes { profile { userId } } } }`);
  out(`   on an account with ${thousands(USERS)} users, over HTTP (${SEARCH_WARMUP} warm-up runs each)`);
  const USERS_QUERY = `query($id: ID!, $search: String) {
    smartAccount(id: $id) { users(first: 50, search: $search) { totalCount nodes { profile { userId } } } }
  }`;
  type UsersPage = { smartAccount: { users: { totalCount: number; nodes: unknown[] } } };
  const searches: Array<[string, string | null]> = [
    ['no search', null],
    ['"maria" (a first name)', 'maria'],
    ['"ma" (a short prefix)', 'ma'],
    ['"garcia m" (two terms)', 'garcia m'],
    ['"corp3" (an email domain)', 'corp3'],
    ['"u04242" (one user ID)', 'u04242'],
    ['"zzz" (no match)', 'zzz'],
  ];
  const searchRows: Row[] = [];
  for (const [label, search] of searches) {
    let page: UsersPage['smartAccount']['users'] | undefined;
    const samples = await sample(
      SEARCH_RUNS,
      async () => {
        page = (await client.request<UsersPage>(USERS_QUERY, { id: big, search })).smartAccount.users;
      },
      SEARCH_WARMUP,
    );
    const found = page ? `totalCount ${thousands(page.totalCount)}, ${page.nodes.length} nodes` : '';
    searchRows.push({ label, summary: summarize(samples), note: found });
  }
  out(table(searchRows, { p95: true }));

  // ------------------------------------------------------- 3. command latency vs history length
  out();
  out('3. Command latency vs the account’s size and history, over HTTP');
  const small = await createAccount(client, 'Small', 'small.bench.example');
  await addUsers(client, small, { users: people.slice(0, 100).map((person) => person.userId) });
  const smallUser = people[49].userId;
  const bigUser = people[4999].userId;
  const store = openEventStore(config); // a second connection, for stream lengths and cold loads
  try {
    const lengths = async () =>
      `stream lengths: small ${thousands(await streamLength(store, small))} events, ` +
      `big ${thousands(await streamLength(store, big))} events`;

    out(
      `   a) setUserRoles (one user's role, USER ↔ VIEWER), interleaved, ${COMMAND_WARMUP} warm-up runs each`,
    );
    out(`      ${await lengths()}`);
    const toggleSmall = roleToggler(client, small, smallUser);
    const toggleBig = roleToggler(client, big, bigUser);
    const [smallRoles, bigRoles] = await interleaved(COMMAND_RUNS, COMMAND_WARMUP, [toggleSmall, toggleBig]);
    const smallRolesSummary = summarize(smallRoles);
    const bigRolesSummary = summarize(bigRoles);
    out(
      table(
        [
          { label: 'account with 100 users', summary: smallRolesSummary },
          { label: `account with ${thousands(USERS)} users`, summary: bigRolesSummary },
        ],
        { p95: true },
      ),
    );
    out(`      median ratio big / small: ${ratio(bigRolesSummary.median, smallRolesSummary.median)}`);

    out();
    out(`   b) createVirtualAccount, interleaved, 3 warm-up runs each`);
    const [smallVa, bigVa] = await interleaved(VIRTUAL_ACCOUNT_RUNS, 3, [
      virtualAccountCreator(client, small),
      virtualAccountCreator(client, big),
    ]);
    const smallVaSummary = summarize(smallVa);
    const bigVaSummary = summarize(bigVa);
    out(
      table(
        [
          { label: 'account with 100 users', summary: smallVaSummary },
          { label: `account with ${thousands(USERS)} users`, summary: bigVaSummary },
        ],
        { p95: true },
      ),
    );
    out(`      median ratio big / small: ${ratio(bigVaSummary.median, smallVaSummary.median)}`);

    // A long history on the big account: role changes through the app's own command side
    // (setup, not measured; the server's cache follows them as they are appended).
    const actor: Actor = { userId: ADMIN.sub, platformRoles: [], supportCaseId: null };
    const historyMs = await timeMs(async () => {
      for (let i = 0; i < HISTORY_CHANGES; i++) {
        // Passes over 1,000 users, each pass flipping their role, so every command appends.
        const person = people[i % 1000];
        const role: Role = Math.floor(i / 1000) % 2 === 0 ? 'SMART_ACCOUNT_VIEWER' : 'SMART_ACCOUNT_USER';
        await app.runner.execute(accountDecider, accountStreamId(big), {
          type: 'SetUserRoles',
          data: { userId: person.userId, roles: [{ role }] },
          metadata: { actor, at: app.clock().toISOString(), correlationId: 'bench-history' },
        });
      }
    });
    out();
    out(
      `   c) the same setUserRoles after ${thousands(HISTORY_CHANGES)} more role changes on the big account ` +
        `(appended in ${formatMs(historyMs)})`,
    );
    out(`      ${await lengths()}`);
    const [smallAgain, bigHistory] = await interleaved(COMMAND_RUNS, COMMAND_WARMUP, [
      toggleSmall,
      toggleBig,
    ]);
    const smallAgainSummary = summarize(smallAgain);
    const bigHistorySummary = summarize(bigHistory);
    out(
      table(
        [
          { label: 'account with 100 users', summary: smallAgainSummary },
          { label: `account with ${thousands(USERS)} users + history`, summary: bigHistorySummary },
        ],
        { p95: true },
      ),
    );
    out(
      `      median ratio big / small: ${ratio(bigHistorySummary.median, smallAgainSummary.median)} ` +
        `(before the history: ${ratio(bigRolesSummary.median, smallRolesSummary.median)}; compare ratios, ` +
        'not absolute times across tables, which drift with the machine)',
    );

    // What the cache saves: the first command after a restart folds the whole stream.
    out();
    out('   d) for contrast, a cold load (what the first command after a restart reads: the whole stream)');
    const coldRows: Row[] = [];
    for (const [label, accountId] of [
      ['account with 100 users', small],
      [`account with ${thousands(USERS)} users + history`, big],
    ] as const) {
      const samples = await sample(COLD_LOAD_RUNS, () =>
        new CommandHandler(store).state(accountDecider, accountStreamId(accountId)),
      );
      coldRows.push({
        label,
        summary: summarize(samples),
        note: `${thousands(await streamLength(store, accountId))} events`,
      });
    }
    out(table(coldRows, { p95: false }));
  } finally {
    await store.close();
  }

  // --------------------------------------------------------------- 4. subscription fan-out
  out();
  out(
    `4. Subscription fan-out: ${thousands(FANOUT_SUBSCRIBERS)} WebSocket subscribers (graphql-ws) of ` +
      'accountAccessRequestsUpdated(accountId) on one account,',
  );
  out(
    `   each a distinct administrator of it; per round a person requests access and an administrator ` +
      `approves (${FANOUT_ROUNDS} rounds)`,
  );
  await measureFanOut({
    app,
    admin: client,
    adminUserId: ADMIN.sub,
    secret: BENCH_SECRET,
    people: people.slice(people.length - FANOUT_SUBSCRIBERS - 20),
    subscribers: FANOUT_SUBSCRIBERS,
    rounds: FANOUT_ROUNDS,
    out,
  });
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  out('Smart Account access: benchmarks (figures only; nothing is asserted)');
  out(
    `node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ` +
      `load average ${loadAverage()}`,
  );
  out(
    'server in this process on 127.0.0.1, embedded SQLite event store (WAL, synchronous=FULL) in a temp ' +
      'DATA_DIR, read models in memory; times are wall-clock per HTTP call, client included',
  );
  out();
  if (process.argv.includes('event-stores')) {
    await benchEventStores(out); // `npm run bench:figures -- event-stores`: this section alone
    return;
  }
  if (process.argv.includes('hardening')) {
    await measureHardening(out); // `npm run bench:figures -- hardening`: this section alone
    return;
  }
  if (process.argv.includes('users-throughput')) {
    await measureUsersThroughput(out, BENCH_SECRET); // `npm run bench:figures -- users-throughput`
    return;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'saas-bench-'));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: BENCH_SECRET,
    LOG_LEVEL: 'silent',
    // The fan-out opens 1,000 sockets from this one address, past the per-address default.
    WS_CONNECTION_INITS_PER_MINUTE: '100000',
  });
  const started = Date.now();
  // `npm run bench:figures -- history` runs only the history section.
  const only = process.argv[2];
  try {
    if (only !== 'history') await bench(config);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  out();
  await benchEventStores(out);
  out();
  await benchHistory(out);
  out();
  out('8. Email, on a new server and DATA_DIR, with a local SMTP server in this process');
  await benchEmail(out);
  out();
  await measureHardening(out);
  out();
  out('11. users(first: 50) throughput: in-process read models, Redis behind one process, behind two');
  await measureUsersThroughput(out, BENCH_SECRET);
  out();
  out(`total ${formatMs(Date.now() - started)}; load average at the end ${loadAverage()}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exitCode = 1;
});
