import { GraphQLError } from 'graphql';
import pino from 'pino';
import { DomainError } from '../../src/domain/errors';
import { createErrorFormatter, findDomainError } from '../../src/server/errors';

describe('createErrorFormatter', () => {
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const format = createErrorFormatter({ logger, production: false });
  const formatProd = createErrorFormatter({ logger, production: true });
  const run = (error: GraphQLError, formatter = format) => formatter(error.toJSON(), error);

  beforeEach(() => {
    logs.length = 0;
  });

  it('finds a DomainError however deeply wrapped', () => {
    const domain = new DomainError('NOT_FOUND', 'No such account');
    const wrapped = new GraphQLError('outer', {
      originalError: new GraphQLError('inner', { originalError: domain }),
    });
    expect(findDomainError(wrapped)).toBe(domain);
    expect(findDomainError(new Error('x', { cause: domain }))).toBe(domain);
    expect(findDomainError(new Error('x'))).toBeUndefined();
  });

  it('uses the DomainError code, message and extensions', () => {
    const error = new GraphQLError('ignored', {
      path: ['a'],
      originalError: new DomainError('RATE_LIMITED', 'Wait', { retryAfterSeconds: 3 }),
    });
    expect(run(error)).toEqual({
      message: 'Wait',
      path: ['a'],
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 3 },
    });
  });

  it('maps Apollo request codes to BAD_USER_INPUT with a reason', () => {
    for (const code of [
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
      'BAD_REQUEST',
      'OPERATION_RESOLUTION_FAILURE',
      'PERSISTED_QUERY_NOT_SUPPORTED',
    ]) {
      expect(run(new GraphQLError('bad', { extensions: { code } }))).toEqual({
        message: 'bad',
        extensions: { code: 'BAD_USER_INPUT', reason: code },
      });
    }
    expect(run(new GraphQLError('bad', { extensions: { code: 'BAD_USER_INPUT' } }))).toEqual({
      message: 'bad',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('strips "Did you mean" only in production', () => {
    const error = new GraphQLError('Cannot query field "helo" on type "Query". Did you mean "hello"?', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(run(error).message).toContain('Did you mean');
    expect(run(error, formatProd).message).toBe('Cannot query field "helo" on type "Query".');
  });

  it("keeps type-graphql's auth codes (UNAUTHORIZED becomes FORBIDDEN)", () => {
    expect(
      run(new GraphQLError('Who are you', { extensions: { code: 'UNAUTHENTICATED' } })).extensions,
    ).toEqual({
      code: 'UNAUTHENTICATED',
    });
    expect(run(new GraphQLError('No', { extensions: { code: 'UNAUTHORIZED' } })).extensions).toEqual({
      code: 'FORBIDDEN',
    });
  });

  it("reduces type-graphql's argument validation errors to a field", () => {
    const error = new GraphQLError('Argument Validation Error', {
      extensions: {
        code: 'BAD_USER_INPUT',
        validationErrors: [
          { property: 'name', target: { password: 'hunter2' }, constraints: { isLength: 'too long' } },
        ],
      },
    });
    expect(run(error)).toEqual({
      message: 'Argument Validation Error',
      extensions: { code: 'BAD_USER_INPUT', field: 'name' },
    });
  });

  it('hides and logs anything else', () => {
    const error = new GraphQLError('secret internals', {
      path: ['x'],
      originalError: new TypeError('secret internals'),
    });
    const formatted = run(error);
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['x'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(logs.some((line) => line.includes('secret internals') && line.includes('TypeError'))).toBe(true);

    const uncoded = new GraphQLError('database password is hunter2');
    expect(run(uncoded).message).toBe('Internal server error');
    const unknownCode = new GraphQLError('weird', { extensions: { code: 'constructor' } });
    expect(run(unknownCode).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
