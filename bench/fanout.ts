import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { RunningApp } from '../src/app/app';
import { issueToken } from '../src/auth/issue';
import { accountDecider, accountStreamId, type AddUsersCommand } from '../src/domain/account';
import type { Actor } from '../src/domain/decider';
import { GraphQLClient } from './client';
import type { BenchPerson } from './people';
import { formatMs, percentile, thousands, timeMs } from './stats';

/**
 * Subscription fan-out: many WebSocket subscribers of one account's access requests, and
 * how long after an approval each of them has the APPROVED update.
 */

export interface FanOutOptions {
  app: RunningApp;
  /** The approver's client: an administrator of every account it creates. */
  admin: GraphQLClient;
  adminUserId: string;
  /** Signs the subscribers' and requesters' tokens. */
  secret: string;
  /** Registered profiles: the first `subscribers` become administrators, later ones request access. */
  people: readonly BenchPerson[];
  subscribers: number;
  rounds: number;
  out: (line?: string) => void;
}

const DOMAIN = 'fanout.bench.example';
const CONNECT_CONCURRENCY = 50;
const CONNECT_TIMEOUT_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 30_000;
const MAX_WARMUP_ROUNDS = 3;
const BASELINE_ROUNDS = 5;

const SUBSCRIPTION = `subscription($accountId: ID!) {
  accountAccessRequestsUpdated(accountId: $accountId) { id status }
}`;
const REQUEST_ACCESS = `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id status } }`;
const APPROVE = `mutation($input: ApproveAccessRequestInput!) { approveAccessRequest(input: $input) { id status } }`;

type Update = { accountAccessRequestsUpdated?: { id: string; status: string } | null };

/** The soft limit on open files (Linux), or null when unknown. */
function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === undefined) return null;
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return null;
  }
}

/** When each subscriber received each (request, status) update: performance.now() per subscriber. */
class Deliveries {
  private readonly byKey = new Map<string, Map<number, number>>();
  private readonly waiters = new Map<string, { count: number; resolve: () => void }>();

  record(key: string, subscriber: number, at: number): void {
    let times = this.byKey.get(key);
    if (!times) this.byKey.set(key, (times = new Map()));
    if (times.has(subscriber)) return;
    times.set(subscriber, at);
    const waiter = this.waiters.get(key);
    if (waiter && times.size >= waiter.count) waiter.resolve();
  }

  /** The delivery times once `count` subscribers have the update, or those there are after the timeout. */
  async waitFor(key: string, count: number, timeoutMs: number): Promise<number[]> {
    if ((this.byKey.get(key)?.size ?? 0) < count) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.waiters.set(key, {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
      this.waiters.delete(key);
    }
    return [...(this.byKey.get(key)?.values() ?? [])];
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}

const signed = (ms: number): string => (ms < 0 ? `−${formatMs(-ms)}` : formatMs(ms));

async function tokenOf(secret: string, person: BenchPerson): Promise<string> {
  return issueToken(secret, {
    sub: person.userId,
    email: person.email,
    name: person.name,
    ...(person.company === null ? {} : { company: person.company }),
  });
}

interface RoundResult {
  requestId: string;
  pendingDelivered: number;
  /** The approving mutation's round trip. */
  approveMs: number;
  /** Each delivery of APPROVED, in ms after the approving mutation's response (negative: before it). */
  afterResponse: number[];
  /** The same, after the mutation was sent. */
  afterSent: number[];
}

export async function measureFanOut(options: FanOutOptions): Promise<void> {
  const { app, admin, adminUserId, secret, people, out } = options;
  const limit = openFileLimit();
  // Each subscriber holds two descriptors in this process: its client socket and the server's.
  const affordable = limit === null ? options.subscribers : Math.floor((limit - 256) / 2);
  const count = Math.min(options.subscribers, affordable);
  if (count < options.subscribers) {
    out(
      `   (the open-file limit is ${limit}: ${thousands(count)} subscribers instead of ` +
        `${thousands(options.subscribers)}; raise it with ulimit -n for the full figure)`,
    );
  }
  if (people.length < count + BASELINE_ROUNDS + 1 + MAX_WARMUP_ROUNDS + options.rounds)
    throw new Error('not enough people');
  const admins = people.slice(0, count);
  const requesters = people.slice(count);

  // ---------------------------------------------------------------------------------- setup
  const created = await admin.request<{ createSmartAccount: { id: string } }>(
    'mutation($input: CreateSmartAccountInput!) { createSmartAccount(input: $input) { id } }',
    { input: { name: 'Fan-out', domainIdentifier: DOMAIN } },
  );
  const accountId = created.createSmartAccount.id;
  const actor: Actor = { userId: adminUserId, platformRoles: [], supportCaseId: null };
  const command: AddUsersCommand = {
    type: 'AddUsers',
    data: {
      entries: admins.map((p) => ({ input: p.userId, line: null, userId: p.userId, problem: null })),
      roles: [{ role: 'SMART_ACCOUNT_ADMIN' }],
      notify: false,
      dryRun: false,
      idempotencyKey: null,
    },
    metadata: { actor, at: app.clock().toISOString(), correlationId: 'bench-fanout' },
  };
  const addMs = await timeMs(() => app.runner.execute(accountDecider, accountStreamId(accountId), command));
  const tokens = await Promise.all(admins.map((person) => tokenOf(secret, person)));

  const deliveries = new Deliveries();
  let nextRequester = 0;
  /** One request and its approval; waits for `expected` deliveries of each update. */
  const round = async (expected: number): Promise<RoundResult> => {
    const requester = requesters[nextRequester++];
    const client = new GraphQLClient(app.url, await tokenOf(secret, requester));
    const { requestAccess } = await client.request<{ requestAccess: { id: string } }>(REQUEST_ACCESS, {
      input: { domainIdentifier: DOMAIN, reason: 'bench: fan-out' },
    });
    const id = requestAccess.id;
    const pending = await deliveries.waitFor(`${id}:PENDING`, expected, DELIVERY_TIMEOUT_MS);
    const sent = performance.now();
    await admin.request(APPROVE, { input: { requestId: id, roles: [{ role: 'SMART_ACCOUNT_USER' }] } });
    const answered = performance.now();
    const approved = await deliveries.waitFor(`${id}:APPROVED`, expected, DELIVERY_TIMEOUT_MS);
    deliveries.forget(`${id}:PENDING`);
    deliveries.forget(`${id}:APPROVED`);
    return {
      requestId: id,
      pendingDelivered: pending.length,
      approveMs: answered - sent,
      afterResponse: approved.map((at) => at - answered),
      afterSent: approved.map((at) => at - sent),
    };
  };

  // The same rounds with nobody subscribed: what the approval costs without the fan-out.
  const alone: number[] = [];
  for (let i = 0; i < BASELINE_ROUNDS + 1; i++) {
    const result = await round(0);
    if (i > 0) alone.push(result.approveMs);
  }

  const wsUrl = app.url.replace(/^http/, 'ws');
  const clients: Client[] = [];
  const failures: string[] = [];
  let connected = 0;
  const subscribe = (index: number) => {
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: { authorization: `Bearer ${tokens[index]}` },
      on: {
        connected: () => {
          connected++;
        },
      },
    });
    clients.push(client);
    client.subscribe<Update>(
      { query: SUBSCRIPTION, variables: { accountId } },
      {
        next: (result) => {
          const at = performance.now();
          const update = result.data?.accountAccessRequestsUpdated;
          if (update) deliveries.record(`${update.id}:${update.status}`, index, at);
          else if (result.errors) failures.push(result.errors.map((e) => e.message).join('; '));
        },
        error: (error: unknown) => failures.push(error instanceof Error ? error.message : String(error)),
        complete: () => undefined,
      },
    );
  };
  try {
    const connectMs = await timeMs(async () => {
      // A few at a time, like clients arriving, rather than 1,000 handshakes in one tick.
      const deadline = performance.now() + CONNECT_TIMEOUT_MS;
      for (let start = 0; start < count; start += CONNECT_CONCURRENCY) {
        const target = Math.min(count, start + CONNECT_CONCURRENCY);
        for (let i = start; i < target; i++) subscribe(i);
        while (connected < target) {
          if (failures.length > 0) throw new Error(`subscribing failed: ${failures[0]}`);
          if (performance.now() > deadline) throw new Error(`only ${connected} subscribers connected`);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      }
    });
    out(
      `   setup: ${thousands(count)} administrators added in one AddUsers (${formatMs(addMs)}); ` +
        `${thousands(count)} WebSocket connections acknowledged in ${formatMs(connectMs)}`,
    );

    // Warm-up: until one round reaches every subscriber (a subscription is live only once the
    // server has run its subscribe resolver, a moment after the connection is acknowledged).
    let warmups = 0;
    for (;;) {
      warmups++;
      const warm = await round(count);
      if (warm.pendingDelivered === count && warm.afterResponse.length === count) break;
      if (warmups >= MAX_WARMUP_ROUNDS) {
        out(
          `   WARNING: after ${warmups} warm-up rounds only ${thousands(warm.afterResponse.length)} of ` +
            `${thousands(count)} subscribers had the update`,
        );
        break;
      }
    }

    const results: RoundResult[] = [];
    for (let i = 0; i < options.rounds; i++) results.push(await round(count));

    const stats = (samples: readonly number[]): string[] => {
      if (samples.length === 0) return ['–', '–', '–'];
      const sorted = [...samples].sort((a, b) => a - b);
      return [percentile(sorted, 0.5), percentile(sorted, 0.99), sorted[sorted.length - 1]].map(signed);
    };
    const cells = (values: readonly string[]) => values.map((value) => value.padStart(9)).join('');
    out(
      `   ms from the approving mutation: "after response" = delivery − the mutation's HTTP response ` +
        '(negative: before it),',
    );
    out(
      `   "after sent" = delivery − the moment the mutation was sent; "approve" = the mutation's round trip`,
    );
    out(
      `    ${''.padEnd(9)}${'delivered'.padStart(11)}${'approve'.padStart(9)}   ` +
        `${'after response'.padStart(27)}   ${'after sent'.padStart(27)}`,
    );
    out(`    ${'round'.padEnd(32)}${cells(['median', 'p99', 'max'])}   ${cells(['median', 'p99', 'max'])}`);
    const line = (label: string, delivered: string, approve: string, result: readonly RoundResult[]) =>
      out(
        `    ${label.padEnd(9)}${delivered.padStart(11)}${approve.padStart(9)}` +
          `   ${cells(stats(result.flatMap((r) => r.afterResponse)))}` +
          `   ${cells(stats(result.flatMap((r) => r.afterSent)))}`,
      );
    results.forEach((result, index) =>
      line(String(index + 1), thousands(result.afterResponse.length), formatMs(result.approveMs), [result]),
    );
    line('all', thousands(results.reduce((sum, r) => sum + r.afterResponse.length, 0)), '', results);
    const aloneSorted = [...alone].sort((a, b) => a - b);
    out(
      `    (${warmups} warm-up round(s) first. The same approval with nobody subscribed: median ` +
        `${formatMs(percentile(aloneSorted, 0.5))}, max ${formatMs(aloneSorted[aloneSorted.length - 1])} ` +
        `over ${alone.length} rounds)`,
    );
    const short = results.filter((r) => r.afterResponse.length < count || r.pendingDelivered < count);
    if (short.length > 0) {
      out(
        `   WARNING: ${short.length} round(s) did not reach all ${thousands(count)} subscribers within ` +
          `${formatMs(DELIVERY_TIMEOUT_MS)}: ` +
          short
            .map(
              (r) =>
                `PENDING ${thousands(r.pendingDelivered)}, APPROVED ${thousands(r.afterResponse.length)}`,
            )
            .join('; '),
      );
    } else {
      out(`   every round delivered PENDING and APPROVED to all ${thousands(count)} subscribers`);
    }
    if (failures.length > 0) out(`   WARNING: ${failures.length} subscription error(s), e.g. ${failures[0]}`);
    out(
      `   NOTE: the ${thousands(count)} subscribers (graphql-ws clients) and the server share this one ` +
        `process, its event loop and ${os.cpus().length} cores: the server's fan-out work and the ` +
        'clients’ receiving both count in these times',
    );
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
  }
}
