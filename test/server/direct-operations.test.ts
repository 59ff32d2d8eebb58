import type { IncomingHttpHeaders } from 'node:http';
import { CompiledOperations } from '../../src/server/compiled-operations';
import { DirectOperations } from '../../src/server/direct-operations';
import { documentValidator } from '../../src/server/document-validation';
import { buildGraphQLSchema } from '../../src/graphql/schema';
import { createFixture } from './fixture';

/** Which POSTs are run directly; every other one is Apollo's to answer (refusals included). */
describe('the direct path of /graphql over HTTP', () => {
  const { schema } = createFixture();
  const direct = (production = false, maxCost = 1_000) =>
    new DirectOperations({
      schema,
      validate: documentValidator(schema, production, 500),
      compiled: new CompiledOperations(schema),
      maxCost,
    });
  const USES_VARIABLE = 'query Q($b: Boolean!) { hello @include(if: $b) }';
  const json: IncomingHttpHeaders = { 'content-type': 'application/json' };
  const prepared = (body: unknown, headers: IncomingHttpHeaders = json, operations = direct()) =>
    operations.prepare(body, headers);

  it('runs a plain valid operation, with its variables', () => {
    const operation = prepared({ query: USES_VARIABLE, variables: { b: true } });
    expect(operation?.operation.name?.value).toBe('Q');
    expect(operation?.variables).toEqual({ b: true });
    expect(prepared({ query: '{ hello }', operationName: null, variables: null })).toBeDefined();
  });

  it('takes JSON with a charset, and clients that accept any type or plain JSON', () => {
    const body = { query: '{ hello }' };
    expect(prepared(body, { 'content-type': 'application/json; charset=utf-8' })).toBeDefined();
    expect(prepared(body, { ...json, accept: '*/*' })).toBeDefined();
    expect(prepared(body, { ...json, accept: 'application/json' })).toBeDefined();
  });

  it('picks the named operation of several', () => {
    const query = 'query A { hello } query B { whoami }';
    expect(prepared({ query, operationName: 'B' })?.operation.name?.value).toBe('B');
    expect(prepared({ query })).toBeUndefined();
    expect(prepared({ query, operationName: 'C' })).toBeUndefined();
  });

  it.each([
    ['a batch', [{ query: '{ hello }' }]],
    ['extensions (persisted queries)', { query: '{ hello }', extensions: { persistedQuery: {} } }],
    ['no query', { variables: {} }],
    ['a query that is not a string', { query: 42 }],
    ['an operation name that is not a string', { query: '{ hello }', operationName: 7 }],
    ['variables that are not an object', { query: '{ hello }', variables: '{}' }],
    ['a syntax error', { query: '{ hello' }],
    ['an unknown field', { query: '{ nope }' }],
    ['missing variables', { query: USES_VARIABLE }],
    ['variables of the wrong type', { query: USES_VARIABLE, variables: { b: 'yes' } }],
    ['a subscription', { query: 'subscription { ticks }' }],
    ['too deep a document', { query: `{ deep { ${'next { '.repeat(20)}level${' }'.repeat(20)} } }` }],
  ])('leaves %s to Apollo', (_what, body) => {
    expect(prepared(body)).toBeUndefined();
  });

  it('leaves other content types and other accepted types to Apollo', () => {
    const body = { query: '{ hello }' };
    expect(prepared(body, {})).toBeUndefined();
    expect(prepared(body, { 'content-type': 'text/plain' })).toBeUndefined();
    expect(prepared(body, { 'content-type': 'application/graphql-response+json' })).toBeUndefined();
    expect(prepared(body, { ...json, accept: 'application/graphql-response+json' })).toBeUndefined();
  });

  it('leaves an operation over the cost bound to Apollo', () => {
    const query = '{ deep { next { next { level } } } }';
    expect(prepared({ query }, json, direct(false, 1_000))).toBeDefined();
    expect(prepared({ query }, json, direct(false, 1))).toBeUndefined();
  });

  it('costs each request again when a variable goes into the cost', () => {
    const served = buildGraphQLSchema();
    const operations = new DirectOperations({
      schema: served,
      validate: documentValidator(served, false, 500),
      compiled: new CompiledOperations(served),
      maxCost: 300,
    });
    const query = 'query ($n: Int) { smartAccount(id: "a") { users(first: $n) { nodes { addedAt } } } }';
    const page = (n: number) => operations.prepare({ query, variables: { n } }, json);
    // 1 + n × (1 + 1 + 1): 31 for 10, 1,201 for 400.
    expect(page(10)).toBeDefined();
    expect(page(400)).toBeUndefined();
    expect(page(10)).toBeDefined();
  });

  it('leaves introspection to Apollo in production', () => {
    const body = { query: '{ __schema { queryType { name } } }' };
    expect(prepared(body, json, direct(false))).toBeDefined();
    expect(prepared(body, json, direct(true))).toBeUndefined();
  });

  it('remembers a refused document without changing its answer', () => {
    const operations = direct();
    expect(prepared({ query: '{ nope }' }, json, operations)).toBeUndefined();
    expect(prepared({ query: '{ nope }' }, json, operations)).toBeUndefined();
    expect(prepared({ query: '{ hello }' }, json, operations)).toBeDefined();
    expect(prepared({ query: '{ hello }' }, json, operations)).toBeDefined();
  });
});
