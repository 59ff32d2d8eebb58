import { ACCOUNT, SALES_VA, actor, alice, at, created, given, on, userAdded, whole } from './fixtures';

const createVa = (name: string, description?: string | null, by = alice) => ({
  type: 'CreateVirtualAccount' as const,
  data: { virtualAccountId: SALES_VA, name, description },
  metadata: { actor: by, at },
});

describe('createVirtualAccount', () => {
  test('an admin creates one, trimmed', () => {
    given(...created)
      .when(createVa('  Sales ', ' Everything sold '))
      .then([
        {
          type: 'VirtualAccountCreated',
          data: {
            accountId: ACCOUNT,
            virtualAccountId: SALES_VA,
            name: 'Sales',
            description: 'Everything sold',
            isDefault: false,
            createdAt: at,
          },
        },
      ]);
  });

  test('names are unique per account, case-insensitively', () => {
    given(...created)
      .when(createVa('DEFAULT'))
      .thenError('CONFLICT');
  });

  test.each([
    ['an empty name', '  ', undefined, 'name'],
    ['a name over 100 characters', 'x'.repeat(101), undefined, 'name'],
    ['a description over 1000 characters', 'Sales', 'x'.repeat(1001), 'description'],
  ])('%s is BAD_USER_INPUT', (_label, name, description, field) => {
    given(...created)
      .when(createVa(name, description))
      .thenError('BAD_USER_INPUT', { field });
  });

  test('an empty description is none', () => {
    const [event] = given(...created)
      .when(createVa('Sales', '  '))
      .events();
    expect(event.data).toMatchObject({ description: null });
  });

  test('only a SMART_ACCOUNT_ADMIN may', () => {
    const events = [...created, userAdded('vic', [on('VIRTUAL_ACCOUNT_ADMIN', 'va-default')])];
    given(...events)
      .when(createVa('Sales', null, actor('vic')))
      .thenError('FORBIDDEN');
  });

  test('a user of another account learns nothing', () => {
    given(...created)
      .when(createVa('Sales', null, actor('mallory')))
      .thenError('NOT_FOUND');
    given(...created, userAdded('sam', [whole('SMART_ACCOUNT_USER')]))
      .when(createVa('Sales', null, actor('sam')))
      .thenError('FORBIDDEN');
  });
});
