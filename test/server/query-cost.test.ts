import { getOperationAST, parse } from 'graphql';
import { buildGraphQLSchema } from '../../src/graphql/schema';
import { fragmentsOf } from '../../src/server/document-limits-plugin';
import { operationCost } from '../../src/server/query-cost';

const schema = buildGraphQLSchema();

function costOf(query: string, variables: Record<string, unknown> = {}, operationName?: string): number {
  const document = parse(query);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error('no operation');
  return operationCost(schema, fragmentsOf(document.definitions), operation, variables);
}

describe('the cost of an operation (contract "Rules")', () => {
  test('each field costs 1 plus what it selects', () => {
    expect(costOf('{ me { userId name } }')).toBe(3);
  });

  test('a list without `first` counts 10 items', () => {
    expect(costOf('{ mySmartAccounts { id } }')).toBe(10 * 2);
  });

  test('a connection counts `first` items; its nodes and edges are those items, not 10 more', () => {
    expect(
      costOf('{ smartAccount(id: "a") { users(first: 7) { nodes { addedAt } edges { cursor } } } }'),
    ).toBe(1 + 7 * (1 + 2 + 2));
  });

  test('a connection without `first` counts its default page of 50', () => {
    expect(costOf('{ smartAccount(id: "a") { users { totalCount } } }')).toBe(1 + 50 * 2);
  });

  test('`first` from a variable, from the variable’s default, or null (the default page)', () => {
    const query = 'query ($n: Int = 3) { smartAccount(id: "a") { groups(first: $n) { totalCount } } }';
    expect(costOf(query, { n: 9 })).toBe(1 + 9 * 2);
    expect(costOf(query)).toBe(1 + 3 * 2);
    expect(costOf(query, { n: null })).toBe(1 + 50 * 2);
  });

  test('nested lists multiply', () => {
    const query = `{ smartAccount(id: "a") { users(first: 4) { nodes { groups { members(first: 5) {
      nodes { profile { userId } } } } } } } }`;
    expect(costOf(query)).toBe(1 + 4 * (1 + 1 + 10 * (1 + 5 * (1 + 1 + 2))));
  });

  test('fragments cost what they select wherever they are spread', () => {
    const inline = '{ smartAccount(id: "a") { users(first: 2) { nodes { profile { userId } } } } }';
    const spread = `{ smartAccount(id: "a") { users(first: 2) { ...Page } } }
      fragment Page on AccountUserConnection { nodes { ...Person } }
      fragment Person on AccountUser { profile { userId } }`;
    const typed =
      '{ smartAccount(id: "a") { users(first: 2) { ... on AccountUserConnection { nodes { profile { userId } } } } } }';
    expect(costOf(spread)).toBe(costOf(inline));
    expect(costOf(typed)).toBe(costOf(inline));
  });

  test('fragments spreading each other twice, 40 levels deep, are costed without expanding 2^40 spreads', () => {
    const fragments = Array.from(
      { length: 40 },
      (_, i) => `fragment F${i} on Profile { ${i === 39 ? 'userId' : `...F${i + 1} ...F${i + 1}`} }`,
    );
    const query = `{ me { ...F0 } } ${fragments.join(' ')}`;
    expect(costOf(query)).toBe(1 + 2 ** 39);
  });

  test('only the operation that runs is costed', () => {
    const query =
      'query Cheap { me { userId } } query Dear { mySmartAccounts { users(first: 500) { totalCount } } }';
    expect(costOf(query, {}, 'Cheap')).toBe(2);
    expect(costOf(query, {}, 'Dear')).toBe(10 * (1 + 500 * 2));
  });

  test('introspection costs 1 per meta field: the schema bounds its size', () => {
    expect(costOf('{ __schema { types { fields { name args { name } } } } }')).toBe(1);
  });
});
