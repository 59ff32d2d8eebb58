import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { AccountEvent } from '../../src/domain/account/events';
import type { ProfileEvent } from '../../src/domain/profile/events';
import type { EventStore, NewEvent } from '../../src/eventstore/port';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { EmailReactorRunner } from '../../src/email/reactor-runner';
import { readReactorSnapshot, writeReactorSnapshot } from '../../src/email/reactor-snapshot';
import { initialEmailReactorState } from '../../src/email/reactor-state';
import { SqliteEmailOutbox } from '../../src/email/sqlite-outbox';
import { tempDir } from '../support/temp';

const logger = pino({ level: 'silent' });
const AT = '2026-01-01T00:00:00.000Z';
const asNew = (event: AccountEvent | ProfileEvent): NewEvent => ({
  eventId: randomUUID(),
  type: event.type,
  occurredAt: AT,
  data: event.data,
  metadata: { actorId: null, correlationId: null, causationId: null, supportCaseId: null },
});
const profile = (userId: string): ProfileEvent => ({
  type: 'ProfileRegistered',
  data: { userId, email: `${userId}@example.com`, name: `Name ${userId}`, company: null, registeredAt: AT },
});
const created: AccountEvent = {
  type: 'SmartAccountCreated',
  data: {
    accountId: 'acme',
    name: 'Acme',
    domainIdentifier: 'acme.example',
    createdAt: AT,
    createdBy: 'alice',
  },
};
const added = (userId: string): AccountEvent => ({
  type: 'UserAdded',
  data: {
    accountId: 'acme',
    userId,
    roles: [{ role: 'SMART_ACCOUNT_VIEWER', virtualAccountId: null }],
    notify: true,
    addedAt: AT,
    addedBy: 'alice',
  },
});

/** A log with three people and an account; its outbox starts at its head (no mail for the past). */
async function world(dir: string) {
  mkdirSync(dir, { recursive: true });
  const events = openSqliteEventStore({ file: path.join(dir, 'events.sqlite') });
  for (const userId of ['alice', 'bob', 'carol', 'dave']) {
    await events.append(`profile-${userId}`, [asNew(profile(userId))], 'no_stream');
  }
  await events.append('account-acme', [asNew(created)], 'no_stream');
  const outbox = new SqliteEmailOutbox(path.join(dir, 'email-outbox.sqlite'));
  return { events, outbox, snapshot: path.join(dir, 'email-reactor.snapshot') };
}

/** Runs the reactor until the outbox holds `count` messages; returns their subjects. */
async function runUntil(runner: EmailReactorRunner, outbox: SqliteEmailOutbox, count: number) {
  await runner.start();
  for (let i = 0; i < 200 && (await outbox.counts()).pending < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await runner.stop();
  return (await outbox.due(Number.MAX_SAFE_INTEGER, 100)).map((entry) => entry.message.subject);
}

const firstEventId = async (events: EventStore) => (await events.readAll({ maxCount: 1 }))[0].eventId;

describe('the email reactor between runs', () => {
  const temp = tempDir('email-reactor-');
  afterAll(() => temp.remove());

  test('writes its state at stop and, restarted, folds only what came after it', async () => {
    const { events, outbox, snapshot } = await world(path.join(temp.dir, 'restart'));
    try {
      await runUntil(new EmailReactorRunner(events, outbox, () => undefined, logger, snapshot, 0), outbox, 0);
      const head = await events.headPosition();
      const written = readReactorSnapshot(snapshot);
      expect(written?.position).toEqual(head);
      expect(written?.logId).toBe(await firstEventId(events));

      // The account's name as the snapshot has it (not as the log does) shows the state came from it.
      const account = written?.state.accounts.get('acme');
      if (!written || !account) throw new Error('the snapshot holds the account');
      account.name = 'Acme (from the snapshot)';
      writeReactorSnapshot(snapshot, written);
      await events.append('account-acme', [asNew(added('bob'))], 0);
      const subjects = await runUntil(
        new EmailReactorRunner(events, outbox, () => undefined, logger, snapshot, 0),
        outbox,
        1,
      );
      expect(subjects).toEqual([expect.stringContaining('Acme (from the snapshot)')]);
    } finally {
      await outbox.close();
      await events.close();
    }
  });

  test('a snapshot of another log, or ahead of the outbox checkpoint, is not used: no mail is skipped', async () => {
    const { events, outbox, snapshot } = await world(path.join(temp.dir, 'unfit'));
    try {
      await runUntil(new EmailReactorRunner(events, outbox, () => undefined, logger, snapshot, 0), outbox, 0);
      const checkpoint = await outbox.checkpoint();
      // Carol is added after the checkpoint; a state that already saw her would skip her mail.
      await events.append('account-acme', [asNew(added('carol'))], 0);
      const ahead = await events.headPosition();
      if (!ahead || !checkpoint) throw new Error('the log has events');
      writeReactorSnapshot(snapshot, {
        logId: await firstEventId(events),
        position: ahead,
        state: initialEmailReactorState(),
      });
      expect(
        await runUntil(
          new EmailReactorRunner(events, outbox, () => undefined, logger, snapshot, 0),
          outbox,
          1,
        ),
      ).toEqual([expect.stringContaining('Acme')]);

      writeReactorSnapshot(snapshot, {
        logId: 'another log',
        position: checkpoint,
        state: initialEmailReactorState(),
      });
      await events.append('account-acme', [asNew(added('dave'))], 1);
      const subjects = await runUntil(
        new EmailReactorRunner(events, outbox, () => undefined, logger, snapshot, 0),
        outbox,
        2,
      );
      expect(subjects).toHaveLength(2);
      expect(subjects.every((subject) => subject.includes('Acme'))).toBe(true);
    } finally {
      await outbox.close();
      await events.close();
    }
  });
});
