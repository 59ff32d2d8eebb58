import { accountDecider, accountStreamId, initialAccountState } from '../../../src/domain/account';
import { ACCOUNT, DEFAULT_VA, alice, at, created, given } from './fixtures';

const create = (name = 'Acme', domainIdentifier = 'acme.com') => ({
  type: 'CreateSmartAccount' as const,
  data: { accountId: ACCOUNT, name, domainIdentifier, defaultVirtualAccountId: DEFAULT_VA },
  metadata: { actor: alice, at },
});

describe('createSmartAccount', () => {
  test('creates the account with a Default Virtual Account and the creator as its SMART_ACCOUNT_ADMIN', () => {
    given().when(create('  Acme  ', ' acme.com ')).then(created);
  });

  test('the state knows the account, its Default VA and its one admin', () => {
    const state = given(...created).state();
    expect(state).toMatchObject({
      exists: true,
      accountId: ACCOUNT,
      name: 'Acme',
      domainIdentifier: 'acme.com',
    });
    expect(state.virtualAccounts[DEFAULT_VA]).toMatchObject({ name: 'Default', isDefault: true });
    expect(state.users.alice.roles).toEqual([{ role: 'SMART_ACCOUNT_ADMIN', virtualAccountId: null }]);
    expect(state.adminCount).toBe(1);
  });

  test('keeps the domain identifier as typed', () => {
    const [event] = accountDecider.decide(create('Acme', 'Acme.COM'), initialAccountState());
    expect(event.data).toMatchObject({ domainIdentifier: 'Acme.COM' });
  });

  test('an existing account is a CONFLICT', () => {
    given(...created)
      .when(create())
      .thenError('CONFLICT');
  });

  test.each([
    ['empty', '   '],
    ['over 100 characters', 'x'.repeat(101)],
  ])('a name that is %s is BAD_USER_INPUT', (_label, name) => {
    given().when(create(name)).thenError('BAD_USER_INPUT', { field: 'name' });
  });

  test.each([
    ['empty', ''],
    ['without a dot', 'localhost'],
    ['with a numeric top-level label', 'example.123'],
    ['with a one-letter top-level label', 'example.c'],
    ['with an empty label', 'example..com'],
    ['with a trailing dot', 'example.com.'],
    ['with a space', 'exa mple.com'],
    ['with an underscore', 'my_site.com'],
    ['with a label starting with a hyphen', '-acme.com'],
    ['with a label of 64 characters', `${'a'.repeat(64)}.com`],
    ['over 253 characters', `${Array.from({ length: 60 }, () => 'abcd').join('.')}.com`],
    ['a URL', 'https://acme.com'],
    ['an email', 'bob@acme.com'],
  ])('a domain identifier %s is BAD_USER_INPUT', (_label, domainIdentifier) => {
    given().when(create('Acme', domainIdentifier)).thenError('BAD_USER_INPUT', { field: 'domainIdentifier' });
  });

  test.each(['acme.com', 'eu.sales.acme-corp.co.uk', 'x1.io', 'ACME.Com'])(
    '%s is domain-like',
    (domainIdentifier) => {
      expect(accountDecider.decide(create('Acme', domainIdentifier), initialAccountState())).toHaveLength(3);
    },
  );

  test('the stream of an account is account-<id>', () => {
    expect(accountStreamId('abc')).toBe('account-abc');
  });
});
