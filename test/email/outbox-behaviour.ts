import type { Position } from '../../src/eventstore/port';
import type { EmailMessage } from '../../src/email/email-message';
import { messageIdFor } from '../../src/email/message-id';
import type { EmailOutbox } from '../../src/email/outbox';

export const outboxMessage = (userId: string, n: number, subject = `Message ${n}`): EmailMessage => ({
  messageId: messageIdFor(`event-${n}`, userId),
  eventId: `event-${n}`,
  kind: 'GROUP_MESSAGE',
  to: { userId, name: userId, address: `${userId}@example.com` },
  subject,
  text: `Hello ${userId}`,
  html: `<p>Hello ${userId}</p>`,
  date: '2026-01-02T03:04:05.000Z',
});

const at = (commit: bigint | number, prepare: bigint | number = commit): Position => ({
  commit: BigInt(commit),
  prepare: BigInt(prepare),
});

const FAIL = { error: 'boom', permanent: false, retryAt: 0, dead: false };

/**
 * What every EmailOutbox does, whatever keeps it. `open` gives a fresh, empty outbox (and its
 * cleanup); each test opens its own.
 */
export function describeOutboxBehaviour(
  name: string,
  open: () => Promise<{ outbox: EmailOutbox; cleanup(): Promise<void> }>,
): void {
  describe(`the email outbox: ${name}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0)) await cleanup();
    });
    async function fresh(): Promise<EmailOutbox> {
      const { outbox, cleanup } = await open();
      cleanups.push(cleanup);
      return outbox;
    }
    const userIdsOf = (entries: ReadonlyArray<{ message: EmailMessage }>) =>
      entries.map((entry) => entry.message.to.userId);

    test('a new outbox has no checkpoint and holds nothing', async () => {
      const outbox = await fresh();
      expect(await outbox.checkpoint()).toBeNull();
      expect(await outbox.due(Date.now(), 10)).toEqual([]);
      expect(await outbox.nextDueAt()).toBeNull();
      expect(await outbox.counts()).toEqual({ pending: 0, dead: 0 });
      expect(await outbox.dead(10)).toEqual([]);
    });

    test('enqueued messages come back exactly as stored, oldest first, with the checkpoint', async () => {
      const outbox = await fresh();
      const tricky = outboxMessage('zoë', 2, 'Grüße „quoted“ <b>&amp;</b> \\ 🎉 \u2028');
      await outbox.enqueue([outboxMessage('a', 1), tricky], at(7, 3));
      expect(await outbox.checkpoint()).toEqual(at(7, 3));
      const due = await outbox.due(Date.now(), 10);
      expect(due.map((entry) => entry.message)).toEqual([outboxMessage('a', 1), tricky]);
      expect(due.map(({ attempts, permanentFailures }) => ({ attempts, permanentFailures }))).toEqual([
        { attempts: 0, permanentFailures: 0 },
        { attempts: 0, permanentFailures: 0 },
      ]);
      expect(due[0].seq).toBeLessThan(due[1].seq);
      expect(await outbox.counts()).toEqual({ pending: 2, dead: 0 });
      expect(await outbox.nextDueAt()).toBe(0);
    });

    test('an enqueue at or behind the stored checkpoint adds nothing (another writer got there first)', async () => {
      const outbox = await fresh();
      await outbox.enqueue([outboxMessage('a', 1)], at(5));
      await outbox.enqueue([outboxMessage('b', 1)], at(5));
      await outbox.enqueue([outboxMessage('c', 1)], at(4));
      await outbox.enqueue([outboxMessage('d', 1)], at(5, 0));
      expect(await outbox.checkpoint()).toEqual(at(5));
      expect(userIdsOf(await outbox.due(Date.now(), 10))).toEqual(['a']);
    });

    test('checkpoints order as numbers, also past 2^53 and by their second part', async () => {
      const outbox = await fresh();
      await outbox.enqueue([outboxMessage('a', 1)], at(9));
      await outbox.enqueue([outboxMessage('b', 1)], at(10));
      expect(await outbox.checkpoint()).toEqual(at(10));
      const big = 2n ** 63n - 1n;
      await outbox.enqueue([outboxMessage('c', 1)], at(big - 1n, 99));
      await outbox.enqueue([outboxMessage('d', 1)], at(big - 1n, 100));
      await outbox.enqueue([outboxMessage('e', 1)], at(big - 1n, 99));
      await outbox.enqueue([outboxMessage('f', 1)], at(big, 0));
      expect(await outbox.checkpoint()).toEqual(at(big, 0));
      expect(userIdsOf(await outbox.due(Date.now(), 10))).toEqual(['a', 'b', 'c', 'd', 'f']);
    });

    test('an empty enqueue moves the checkpoint only', async () => {
      const outbox = await fresh();
      await outbox.enqueue([], at(3));
      expect(await outbox.checkpoint()).toEqual(at(3));
      expect(await outbox.counts()).toEqual({ pending: 0, dead: 0 });
    });

    test('a message ID already waiting is not kept twice', async () => {
      const outbox = await fresh();
      await outbox.enqueue([outboxMessage('a', 1), outboxMessage('a', 1)], at(1));
      await outbox.enqueue([outboxMessage('a', 1), outboxMessage('b', 1)], at(2));
      expect(userIdsOf(await outbox.due(Date.now(), 10))).toEqual(['a', 'b']);
    });

    test('due answers at most `limit`, by next attempt and then in order of arrival', async () => {
      const outbox = await fresh();
      const messages = Array.from({ length: 12 }, (_, i) =>
        outboxMessage(`u${String(i).padStart(2, '0')}`, i),
      );
      await outbox.enqueue(messages, at(1));
      expect(userIdsOf(await outbox.due(Date.now(), 5))).toEqual(['u00', 'u01', 'u02', 'u03', 'u04']);
      const [first, second] = await outbox.due(Date.now(), 2);
      await outbox.markFailed(first.seq, { ...FAIL, retryAt: 2000 });
      await outbox.markFailed(second.seq, { ...FAIL, retryAt: 1000 });
      const all = userIdsOf(await outbox.due(5000, 100));
      expect(all.slice(-2)).toEqual(['u01', 'u00']);
      expect(all).toHaveLength(12);
      expect(await outbox.due(Date.now(), 0)).toEqual([]);
    });

    test('a failed message counts its attempts and waits until its retry is due', async () => {
      const outbox = await fresh();
      await outbox.enqueue([outboxMessage('a', 1), outboxMessage('b', 1)], at(1));
      const [a] = await outbox.due(Date.now(), 1);
      const retryAt = Date.now() + 60_000;
      await outbox.markFailed(a.seq, { error: '451 later', permanent: false, retryAt, dead: false });
      await outbox.markFailed(a.seq, { error: '550 no', permanent: true, retryAt, dead: false });
      expect(userIdsOf(await outbox.due(Date.now(), 10))).toEqual(['b']);
      const [b] = await outbox.due(Date.now(), 10);
      await outbox.markSent(b.seq);
      expect(await outbox.nextDueAt()).toBe(retryAt);
      expect(await outbox.due(retryAt, 10)).toEqual([
        { seq: a.seq, message: outboxMessage('a', 1), attempts: 2, permanentFailures: 1 },
      ]);
      expect(await outbox.counts()).toEqual({ pending: 1, dead: 0 });
    });

    test('a dead letter leaves the queue and is kept, oldest first, with its last error', async () => {
      const outbox = await fresh();
      await outbox.enqueue([outboxMessage('a', 1), outboxMessage('b', 1), outboxMessage('c', 1)], at(1));
      const [a, b] = await outbox.due(Date.now(), 2);
      await outbox.markFailed(b.seq, { error: '550 b', permanent: true, retryAt: 0, dead: true });
      await outbox.markFailed(a.seq, { error: '550 a', permanent: true, retryAt: 0, dead: true });
      expect(userIdsOf(await outbox.due(Date.now(), 10))).toEqual(['c']);
      expect(await outbox.counts()).toEqual({ pending: 1, dead: 2 });
      expect(await outbox.dead(10)).toEqual([
        { seq: a.seq, message: outboxMessage('a', 1), attempts: 1, permanentFailures: 1, lastError: '550 a' },
        { seq: b.seq, message: outboxMessage('b', 1), attempts: 1, permanentFailures: 1, lastError: '550 b' },
      ]);
      expect(await outbox.dead(1)).toHaveLength(1);
    });

    test('a sent message leaves the outbox; marking an unknown one changes nothing', async () => {
      const outbox = await fresh();
      await outbox.enqueue([outboxMessage('a', 1), outboxMessage('b', 1)], at(1));
      const [a, b] = await outbox.due(Date.now(), 10);
      await outbox.markSent(a.seq);
      await outbox.markSent(a.seq);
      await outbox.markFailed(a.seq, { ...FAIL, dead: true });
      await outbox.markFailed(b.seq + 1000, { ...FAIL, dead: true });
      expect(await outbox.due(Date.now(), 10)).toEqual([
        { seq: b.seq, message: outboxMessage('b', 1), attempts: 0, permanentFailures: 0 },
      ]);
      expect(await outbox.counts()).toEqual({ pending: 1, dead: 0 });
      await outbox.markSent(b.seq);
      expect(await outbox.counts()).toEqual({ pending: 0, dead: 0 });
      expect(await outbox.nextDueAt()).toBeNull();
    });
  });
}
