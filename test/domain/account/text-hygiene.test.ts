import type { AccountCommand, AccountEvent } from '../../../src/domain/account';
import { profileDecider } from '../../../src/domain/profile/decider';
import type { ProfileEvent } from '../../../src/domain/profile/events';
import { specFor } from '../../support/decider-spec';
import { approve, decided, decline, grant, requestAccess, requestGroupAccess, team } from './access-fixtures';
import { ACCOUNT, DEFAULT_VA, SALES_VA, actor, alice, at, created, given } from './fixtures';

const bob = actor('bob');
import { createGroup, sendMessage, updateGroup } from './groups-fixtures';

/** Text the issue found stored as given. */
const hostile = {
  'a right-to-left override': '\u202Etxt.exe',
  'a first-strong isolate': 'a\u2068b',
  'a NUL': 'a\u0000b',
  'an ANSI escape': '\u001b[31mred\u001b[0m',
  'a DEL': 'a\u007fb',
  'a lone zero-width space': '\u200b',
  'only invisible characters': '\u200b\u2060\ufeff\u00ad',
  'a lone surrogate': 'a\ud800b',
};
const lineBreaks = {
  'a CRLF header injection': 'Hi\r\nBcc: victim@example.com',
  'a line feed': 'one\ntwo',
  'a line separator': 'one\u2028two',
  'a tab': 'one\ttwo',
};

const pendingUser = decided(team, requestAccess());
const pendingGroup = decided(team, requestGroupAccess());
const salesViewer = { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_VIEWER' as const };

interface TextField {
  given: readonly AccountEvent[];
  when: (text: string) => AccountCommand;
}

/** Every field of the account commands a person types, one-line or multi-line. */
const oneLine: Record<string, TextField> = {
  'createSmartAccount name': {
    given: [],
    when: (name) => ({
      type: 'CreateSmartAccount',
      data: { accountId: ACCOUNT, name, domainIdentifier: 'acme.com', defaultVirtualAccountId: DEFAULT_VA },
      metadata: { actor: alice, at },
    }),
  },
  'createVirtualAccount name': {
    given: created,
    when: (name) => ({
      type: 'CreateVirtualAccount',
      data: { virtualAccountId: 'va-x', name },
      metadata: { actor: alice, at },
    }),
  },
  'createUserGroup name': { given: team, when: (name) => createGroup({ name }) },
  'updateUserGroup name': { given: team, when: (name) => updateGroup({ name }) },
  'sendGroupMessage subject': { given: team, when: (subject) => sendMessage({ subject }) },
};
const multiLine: Record<string, TextField> = {
  'createVirtualAccount description': {
    given: created,
    when: (description) => ({
      type: 'CreateVirtualAccount',
      data: { virtualAccountId: 'va-x', name: 'X', description },
      metadata: { actor: alice, at },
    }),
  },
  'createUserGroup description': { given: team, when: (description) => createGroup({ description }) },
  'updateUserGroup description': { given: team, when: (description) => updateGroup({ description }) },
  'sendGroupMessage body': { given: team, when: (body) => sendMessage({ body }) },
  'requestAccess reason': { given: team, when: (reason) => requestAccess({ reason }) },
  'requestGroupAccess reason': { given: team, when: (reason) => requestGroupAccess({ reason }) },
  'approveAccessRequest message': { given: pendingUser, when: (message) => approve(undefined, { message }) },
  'declineAccessRequest message': { given: pendingUser, when: (message) => decline({ message }) },
  'grantExternalGroupAccess message': {
    given: pendingGroup,
    when: (message) => grant([salesViewer], { message }),
  },
};
const fieldName = (label: string): string => label.split(' ')[1];
const cases = (fields: Record<string, TextField>, texts: Record<string, string>) =>
  Object.entries(fields).flatMap(([label, field]) =>
    Object.entries(texts).map(([what, text]) => [label, what, field, text] as const),
  );

describe('text a person typed follows the contract’s text rules', () => {
  test.each(cases({ ...oneLine, ...multiLine }, hostile))(
    'given the account, when %s holds %s, then BAD_USER_INPUT naming the field',
    (label, _what, field, text) => {
      given(...field.given)
        .when(field.when(text))
        .thenError('BAD_USER_INPUT', { field: fieldName(label) });
    },
  );

  test.each(cases(oneLine, lineBreaks))(
    'given the account, when the one-line %s holds %s, then BAD_USER_INPUT naming the field',
    (label, _what, field, text) => {
      given(...field.given)
        .when(field.when(text))
        .thenError('BAD_USER_INPUT', { field: fieldName(label) });
    },
  );

  test.each(cases(multiLine, { ...lineBreaks, 'letters, emoji and a ZWJ family': 'Zoë 東京 👩‍👩‍👧 ok' }))(
    'given the account, when %s holds %s, then it is recorded as typed',
    (_label, _what, field, text) => {
      const events = given(...field.given)
        .when(field.when(text))
        .events();
      expect(JSON.stringify(events)).toContain(JSON.stringify(text).slice(1, -1));
    },
  );

  test.each(Object.entries(oneLine))(
    'given the account, when %s holds letters of any script and emoji, then it is recorded',
    (_label, field) => {
      const text = 'Zoë 東京 👩‍👩‍👧';
      const events = given(...field.given)
        .when(field.when(text))
        .events();
      expect(JSON.stringify(events)).toContain(text);
    },
  );
});

describe('updateMyProfile follows the same rules', () => {
  const registered: ProfileEvent = {
    type: 'ProfileRegistered',
    data: { userId: 'bob', email: 'bob@example.com', name: 'Bob', company: null, registeredAt: at },
  };
  const givenProfile = specFor(profileDecider);

  test.each<['name' | 'company', string]>([
    ['name', '\u202Etxt.exe'],
    ['name', 'Bob\r\nBcc: x@example.com'],
    ['company', '\u001b[2J'],
    ['company', '\u200b'],
  ])('given a profile, when %s is %j, then BAD_USER_INPUT naming it', (field, text) => {
    givenProfile(registered)
      .when({ type: 'UpdateProfile', data: { userId: 'bob', [field]: text }, metadata: { actor: bob, at } })
      .thenError('BAD_USER_INPUT', { field });
  });

  test('given a profile, when the name is Zoë 🌷, then it is recorded', () => {
    givenProfile(registered)
      .when({ type: 'UpdateProfile', data: { userId: 'bob', name: 'Zoë 🌷' }, metadata: { actor: bob, at } })
      .then([
        { type: 'ProfileUpdated', data: { userId: 'bob', source: 'user', changes: { name: 'Zoë 🌷' } } },
      ]);
  });
});
