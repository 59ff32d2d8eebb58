import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { startApp } from '../src/app/app';
import { loadConfig } from '../src/app/config';
import { openEventStore } from '../src/app/event-store';
import { issueToken } from '../src/auth/issue';
import { GraphQLClient } from './client';
import { benchPeople, registerProfiles } from './people';
import { formatMs, percentile, summarize, table, thousands } from './stats';
import { BENCH_SECRET } from './secret';

/**
 * Email figures: how long after an approval the requester's message is accepted by a local
 * SMTP server, and how fast a backlog of queued messages drains once the server is back.
 */

const ROUNDS = 100;
const WARMUP_ROUNDS = 5;
const BACKLOG = 10_000;
const ADMIN = { sub: 'mail-admin', email: 'mail-admin@bench.example', name: 'Mail Admin' };

/** A local SMTP server that only notes when a message for an address was accepted. */
class AcceptingSmtpServer {
  private server: SMTPServer | null = null;
  private port = 0;
  readonly acceptedAt: number[] = [];
  private readonly waiters = new Map<string, () => void>();

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          this.acceptedAt.push(performance.now());
          for (const rcpt of session.envelope.rcptTo) {
            this.waiters.get(rcpt.address)?.();
            this.waiters.delete(rcpt.address);
          }
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const address = server.server.address();
    if (typeof address === 'object' && address !== null) this.port = address.port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves when the next message for `address` is accepted. */
  next(address: string): Promise<void> {
    return new Promise((resolve) => this.waiters.set(address, resolve));
  }
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function benchEmail(out: (line?: string) => void): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'saas-bench-email-'));
  const smtp = new AcceptingSmtpServer();
  await smtp.start();
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: BENCH_SECRET,
    LOG_LEVEL: 'silent',
    SMTP_URL: smtp.url,
  });
  const people = benchPeople(BACKLOG + ROUNDS + WARMUP_ROUNDS);
  const store = openEventStore(config);
  await registerProfiles(store, [...people, { ...ADMIN, userId: ADMIN.sub, company: null }]);
  await store.close();
  const app = await startApp(config, { logger: pino({ level: 'silent' }) });
  try {
    const admin = new GraphQLClient(app.url, await issueToken(BENCH_SECRET, ADMIN));
    const created = await admin.request<{ createSmartAccount: { id: string } }>(
      'mutation($input: CreateSmartAccountInput!) { createSmartAccount(input: $input) { id } }',
      { input: { name: 'Mail bench', domainIdentifier: 'mail.bench.example' } },
    );
    const accountId = created.createSmartAccount.id;

    out(
      `a) approveAccessRequest → the requester's message accepted by a local SMTP server (${ROUNDS} rounds)`,
    );
    out('   timed from sending the approving mutation to the SMTP server having the whole message');
    const samples: number[] = [];
    const requesters = people.slice(BACKLOG);
    for (const [round, person] of requesters.entries()) {
      const requester = new GraphQLClient(
        app.url,
        await issueToken(BENCH_SECRET, { sub: person.userId, email: person.email, name: person.name }),
      );
      const adminMail = smtp.next(ADMIN.email);
      const { requestAccess } = await requester.request<{ requestAccess: { id: string } }>(
        'mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }',
        { input: { domainIdentifier: 'mail.bench.example', reason: 'Bench' } },
      );
      await adminMail;
      const start = performance.now();
      const accepted = smtp.next(person.email);
      await admin.request(
        'mutation($input: ApproveAccessRequestInput!) { approveAccessRequest(input: $input) { id } }',
        { input: { requestId: requestAccess.id, roles: [{ role: 'SMART_ACCOUNT_VIEWER' }] } },
      );
      await accepted;
      if (round >= WARMUP_ROUNDS) samples.push(performance.now() - start);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    out(
      table(
        [
          {
            label: 'approval → message accepted',
            summary: summarize(samples),
            note: `p99 ${formatMs(percentile(sorted, 0.99))}`,
          },
        ],
        { p95: true },
      ),
    );

    out();
    out(
      `b) ${thousands(BACKLOG)} messages queued while the SMTP server is down (addUsers with notify), then drained`,
    );
    await smtp.stop();
    const before = smtp.acceptedAt.length;
    const backlog = people.slice(0, BACKLOG);
    await admin.request('mutation($input: AddUsersInput!) { addUsers(input: $input) { addedCount } }', {
      input: { accountId, users: backlog.map((p) => p.userId), roles: [{ role: 'SMART_ACCOUNT_USER' }] },
    });
    const pending = async () => {
      const metrics = await (await fetch(new URL('/metrics', app.url))).text();
      return Number(/email_outbox_messages\{state="pending"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    };
    await until(async () => (await pending()) >= BACKLOG, 120_000);
    const cpuBefore = process.cpuUsage();
    await smtp.start();
    await until(async () => smtp.acceptedAt.length - before >= BACKLOG, 600_000);
    const cpu = process.cpuUsage(cpuBefore);
    const times = smtp.acceptedAt.slice(before);
    const drainMs = times[times.length - 1] - times[0];
    out(
      `   ${thousands(BACKLOG)} messages accepted in ${formatMs(drainMs)} from the first to the last: ` +
        `${thousands(Math.round(((BACKLOG - 1) / drainMs) * 1000))} messages/s ` +
        '(the wait for the sender’s next retry after the outage is not counted)',
    );
    out(
      `   CPU (sender and SMTP server, both in this process): ${((cpu.user + cpu.system) / 1000 / BACKLOG).toFixed(2)} ms ` +
        `per message; load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`,
    );
  } finally {
    await app.close();
    await smtp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchEmail((line = '') => process.stdout.write(`${line}\n`)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
