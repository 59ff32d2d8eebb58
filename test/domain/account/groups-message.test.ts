import {
  ACCOUNT,
  actor,
  alice,
  at,
  given,
  groupCreated,
  userAdded,
  whole,
  withVirtualAccounts,
} from './fixtures';
import { auditor, sendMessage, support, team } from './groups-fixtures';

describe('sendGroupMessage', () => {
  test('records one event naming every member as a recipient, trimmed', () => {
    given(...team)
      .when(sendMessage({ subject: '  Kick-off  ', body: '\n  See you at 10.  \n' }))
      .then([
        {
          type: 'GroupMessageSent',
          data: {
            accountId: ACCOUNT,
            groupId: 'g-sales',
            messageId: 'msg-1',
            subject: 'Kick-off',
            body: 'See you at 10.',
            recipientIds: ['bob', 'carol'],
            sentAt: at,
            sentBy: 'alice',
          },
        },
      ]);
  });

  test('a message to a group of 1,000 members is one event naming 1,000 recipients', () => {
    const memberIds = Array.from({ length: 1000 }, (_, i) => `user-${i}`);
    const history = [
      ...withVirtualAccounts,
      ...memberIds.map((userId) => userAdded(userId, [whole('SMART_ACCOUNT_VIEWER')])),
      groupCreated('g-all', 'Everyone', memberIds, []),
    ];
    const events = given(...history)
      .when(sendMessage({ groupId: 'g-all' }))
      .events();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event.type).toBe('GroupMessageSent');
    if (event.type !== 'GroupMessageSent') return;
    expect(event.data.recipientIds).toHaveLength(1000);
    expect(event.data.recipientIds).toEqual(memberIds);
  });

  test('a group without members still records the message, with no recipients', () => {
    const [event] = given(...team, groupCreated('g-empty', 'Empty', [], []))
      .when(sendMessage({ groupId: 'g-empty' }))
      .events();
    expect(event).toMatchObject({ type: 'GroupMessageSent', data: { groupId: 'g-empty', recipientIds: [] } });
  });

  test('subject is 1 to 200 characters after trimming', () => {
    given(...team)
      .when(sendMessage({ subject: '   ' }))
      .thenError('BAD_USER_INPUT', { field: 'subject' });
    given(...team)
      .when(sendMessage({ subject: 's'.repeat(201) }))
      .thenError('BAD_USER_INPUT', { field: 'subject' });
    expect(
      given(...team)
        .when(sendMessage({ subject: ` ${'s'.repeat(200)} ` }))
        .events(),
    ).toHaveLength(1);
  });

  test('body is 1 to 10,000 characters after trimming', () => {
    given(...team)
      .when(sendMessage({ body: '' }))
      .thenError('BAD_USER_INPUT', { field: 'body' });
    given(...team)
      .when(sendMessage({ body: 'b'.repeat(10_001) }))
      .thenError('BAD_USER_INPUT', { field: 'body' });
    expect(
      given(...team)
        .when(sendMessage({ body: `${'b'.repeat(10_000)}\n` }))
        .events(),
    ).toHaveLength(1);
  });

  test('an unknown group is NOT_FOUND', () => {
    given(...team)
      .when(sendMessage({ groupId: 'g-nope' }))
      .thenError('NOT_FOUND');
  });

  test('only those who manage groups send messages', () => {
    given(...team)
      .when(sendMessage({}, actor('bob')))
      .thenError('FORBIDDEN');
    given(...team)
      .when(sendMessage({}, actor('dave')))
      .thenError('FORBIDDEN');
    given(...team)
      .when(sendMessage({}, auditor))
      .thenError('FORBIDDEN');
    given(...team)
      .when(sendMessage({}, actor('mallory')))
      .thenError('NOT_FOUND');
    expect(
      given(...team)
        .when(sendMessage({}, support))
        .events()[0],
    ).toMatchObject({ data: { sentBy: 'sue' } });
    expect(
      given(...team)
        .when(sendMessage({}, alice))
        .events(),
    ).toHaveLength(1);
  });

  test('sending changes nothing in the account', () => {
    const sent = given(...team)
      .when(sendMessage())
      .events();
    expect(given(...team, ...sent).state()).toEqual(given(...team).state());
  });
});
