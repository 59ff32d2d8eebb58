import pino from 'pino';
import { Registry } from 'prom-client';
import { sqlitePosition } from '../../src/eventstore/position';
import { createEmailMetrics } from '../../src/email/email-metrics';
import { messageIdFor } from '../../src/email/message-id';
import type { EmailOutbox } from '../../src/email/outbox';
import { RedisEmailOutbox, SENDER_LEASE_NAME } from '../../src/email/redis-outbox';
import { RedisSenderRole } from '../../src/email/redis-sender-role';
import { EmailSender } from '../../src/email/sender';
import type { SenderRole } from '../../src/email/sender-role';
import { SqliteEmailOutbox, outboxFile } from '../../src/email/sqlite-outbox';
import { SqliteSenderLease } from '../../src/email/sqlite-sender-lease';
import { SmtpTransport } from '../../src/email/transports';
import { testRedis } from '../support/redis';
import { SmtpTestServer, type SmtpTestServerOptions } from '../support/smtp-test-server';
import { tempDir, waitUntil } from '../support/temp';
import { outboxMessage as message } from './outbox-behaviour';

const FAST = {
  retryBaseMs: 20,
  maxRetryDelayMs: 100,
  pauseBaseMs: 20,
  maxPauseMs: 100,
  deadAfterPermanentFailures: 3,
};

const redis = testRedis();
afterAll(() => redis.cleanup());

/** Where the outbox and the sender role are kept: SQLite in a DATA_DIR, or Redis. */
type Store = (dir: string) => Promise<{ outbox: EmailOutbox; role: SenderRole }>;

const onSqlite: Store = async (dir) => ({
  outbox: new SqliteEmailOutbox(outboxFile(dir)),
  role: new SqliteSenderLease(outboxFile(dir)),
});

/** The Redis outbox under a fresh prefix, whose sender lease this process holds. */
const onRedis: Store = async () => {
  const prefix = redis.prefix();
  const fence = { name: SENDER_LEASE_NAME, value: 'test/1' };
  await redis.redis.set(`${prefix}lease:${fence.name}`, fence.value);
  return {
    outbox: new RedisEmailOutbox(redis.redis, prefix, fence),
    role: new RedisSenderRole(redis.redis, prefix, fence),
  };
};

/** A sender on the outbox of `store` in `dir`, as one process of a deployment would run it. */
async function senderOn(dir: string, smtpUrl: string, store: Store = onSqlite) {
  const { outbox, role } = await store(dir);
  const registry = new Registry();
  const sender = new EmailSender(
    outbox,
    new SmtpTransport(smtpUrl, 'test@example.com'),
    role,
    createEmailMetrics(registry, outbox),
    pino({ level: 'silent' }),
    FAST,
  );
  const counter = async (name: string) =>
    (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
  return {
    outbox,
    sender,
    counter,
    async stop() {
      await sender.stop();
      await outbox.close();
    },
  };
}

/** The sender on a real outbox and a real SMTP server, with short retry delays. */
async function harness(smtpOptions: SmtpTestServerOptions, store: Store = onSqlite) {
  const data = tempDir('saas-email-');
  const smtp = new SmtpTestServer(smtpOptions);
  await smtp.start();
  const one = await senderOn(data.dir, smtp.url, store);
  return {
    ...one,
    smtp,
    data,
    async stop() {
      await one.stop();
      await smtp.stop();
      data.remove();
    },
  };
}

describe.each([
  ['SQLite', onSqlite],
  ['Redis', onRedis],
])('the email sender on a real SMTP server (%s outbox)', (_name, store) => {
  test('a message refused for now (4xx) is retried until accepted, the others go meanwhile', async () => {
    let refusals = 0;
    const h = await harness(
      {
        refuse: (address) =>
          address === 'busy@example.com' && refusals++ < 2 ? { code: 451, message: 'Try again later' } : null,
      },
      store,
    );
    try {
      await h.outbox.enqueue([message('busy', 1), message('ok', 1)], sqlitePosition(1));
      h.sender.start();
      // The SMTP server records a message before it answers; the sender counts it after.
      await waitUntil(async () => (await h.counter('email_messages_sent_total')) === 2, 10_000);
      expect(h.smtp.received.map((mail) => mail.recipients)).toEqual([
        ['ok@example.com'],
        ['busy@example.com'],
      ]);
      expect(h.smtp.to('busy@example.com')[0].messageId).toBe(messageIdFor('event-1', 'busy'));
      expect(await h.counter('email_messages_retried_total')).toBe(2);
      expect(await h.counter('email_messages_sent_total')).toBe(2);
      expect(await h.outbox.counts()).toEqual({ pending: 0, dead: 0 });
    } finally {
      await h.stop();
    }
  });

  test('a message refused for good (5xx) becomes a dead letter after 3 refusals; nothing else is held up', async () => {
    const h = await harness(
      {
        refuse: (address) => (address === 'gone@example.com' ? { code: 550, message: 'No such user' } : null),
      },
      store,
    );
    try {
      await h.outbox.enqueue([message('gone', 1), message('ok', 1), message('ok', 2)], sqlitePosition(2));
      h.sender.start();
      await waitUntil(async () => (await h.counter('email_messages_dead_total')) === 1, 10_000);
      expect(h.smtp.received.map((mail) => mail.recipients)).toEqual([
        ['ok@example.com'],
        ['ok@example.com'],
      ]);
      const [dead] = await h.outbox.dead(10);
      expect(dead).toMatchObject({
        message: { messageId: messageIdFor('event-1', 'gone') },
        permanentFailures: 3,
      });
      expect(dead.lastError).toContain('550');
      expect(await h.counter('email_messages_dead_total')).toBe(1);
      expect(await h.counter('email_messages_retried_total')).toBe(2);
      expect(await h.outbox.counts()).toEqual({ pending: 0, dead: 1 });
    } finally {
      await h.stop();
    }
  });
});

describe('the email sender on a SQLite outbox shared through DATA_DIR', () => {
  test('two processes on one outbox: the lease holder delivers each message once; the other takes over when it stops', async () => {
    const h = await harness({});
    const other = await senderOn(h.data.dir, h.smtp.url);
    try {
      const first = Array.from({ length: 100 }, (_, n) => message('p', n));
      await h.outbox.enqueue(first, sqlitePosition(1));
      h.sender.start();
      other.sender.start();
      await waitUntil(async () => (await h.outbox.counts()).pending === 0, 20_000);
      const sent =
        (await h.counter('email_messages_sent_total')) + (await other.counter('email_messages_sent_total'));
      expect(sent).toBe(100);
      expect(new Set(h.smtp.received.map((mail) => mail.messageId)).size).toBe(100);
      expect(h.smtp.received).toHaveLength(100);

      await h.sender.stop(); // as its process would on shutdown: releases the lease
      await other.outbox.enqueue([message('q', 1)], sqlitePosition(2));
      other.sender.wake();
      await waitUntil(() => h.smtp.received.length === 101, 20_000);
      expect(h.smtp.received[100].messageId).toBe(messageIdFor('event-1', 'q'));
    } finally {
      await other.stop();
      await h.stop();
    }
  });
});
