import {
  DAY,
  T0,
  after,
  approve,
  cancel,
  decided,
  decline,
  remind,
  requestAccess,
  team,
} from './access-fixtures';
import { ACCOUNT, given } from './fixtures';

/** rita filed req-1 at T0; her first reminder is allowed at T0 + 1 day. */
const pending = decided(team, requestAccess());
const firstAllowed = after(DAY);

describe('the reminder clock', () => {
  test('before nextReminderAllowedAt: RATE_LIMITED with the seconds left', () => {
    given(...pending)
      .when(remind(after(3600)))
      .thenError('RATE_LIMITED', { retryAfterSeconds: DAY - 3600, nextReminderAllowedAt: firstAllowed });
  });

  test('right after filing it waits the whole interval', () => {
    given(...pending)
      .when(remind(T0))
      .thenError('RATE_LIMITED', { retryAfterSeconds: DAY });
  });

  test.each([
    [1, 1],
    [1000, 1],
    [1001, 2],
    [1500, 2],
  ])('%i ms early: retryAfterSeconds is %i (rounded up)', (msEarly, seconds) => {
    given(...pending)
      .when(remind(after(-msEarly / 1000, firstAllowed)))
      .thenError('RATE_LIMITED', { retryAfterSeconds: seconds });
  });

  test('at nextReminderAllowedAt exactly, the reminder is sent and the next one waits an interval', () => {
    given(...pending)
      .when(remind(firstAllowed))
      .then([
        {
          type: 'AccessReminderSent',
          data: {
            accountId: ACCOUNT,
            requestId: 'req-1',
            requesterId: 'rita',
            sentAt: firstAllowed,
            remindersSent: 1,
            nextReminderAllowedAt: after(2 * DAY),
          },
        },
      ]);
  });

  test('later than that, the next one is counted from when it was sent', () => {
    const sentAt = after(3 * DAY + 17);
    const [event] = given(...pending)
      .when(remind(sentAt))
      .events();
    expect(event).toMatchObject({ data: { sentAt, nextReminderAllowedAt: after(DAY, sentAt) } });
  });

  test('the interval comes with the command', () => {
    const [event] = given(...pending)
      .when(remind(firstAllowed, undefined, undefined, 60))
      .events();
    expect(event).toMatchObject({ data: { nextReminderAllowedAt: after(60, firstAllowed) } });
  });

  test('the state records it; a second reminder waits again, a third after that counts 3', () => {
    const once = decided(pending, remind(firstAllowed));
    const request = given(...once).state().accessRequests['req-1'];
    expect(request).toMatchObject({
      status: 'PENDING',
      remindersSent: 1,
      lastReminderAt: firstAllowed,
      updatedAt: firstAllowed,
      nextReminderAllowedAt: after(2 * DAY),
    });
    given(...once)
      .when(remind(after(DAY + 60)))
      .thenError('RATE_LIMITED', { retryAfterSeconds: DAY - 60 });
    const twice = decided(once, remind(after(2 * DAY)));
    const thrice = decided(twice, remind(after(5 * DAY)));
    expect(given(...thrice).state().accessRequests['req-1']).toMatchObject({
      remindersSent: 3,
      lastReminderAt: after(5 * DAY),
      nextReminderAllowedAt: after(6 * DAY),
    });
  });
});

describe('reminders only while PENDING', () => {
  test.each([
    ['approved', approve(), 'APPROVED'],
    ['declined', decline(), 'DECLINED'],
    ['cancelled', cancel(), 'CANCELLED'],
  ])('a %s request takes no reminder (CONFLICT), whatever the clock says', (_label, closing, status) => {
    const closed = decided(pending, closing);
    expect(given(...closed).state().accessRequests['req-1'].nextReminderAllowedAt).toBeNull();
    for (const when of [after(60), after(10 * DAY)]) {
      given(...closed)
        .when(remind(when))
        .thenError('CONFLICT', { requestId: 'req-1', status });
    }
  });
});
