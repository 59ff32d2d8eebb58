import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError, type ErrorCode } from '../domain/errors';

export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Codes of a request that could not run (Apollo's, and the ones `ws.ts` sets): the client's fault. */
const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
]);
const isRequestErrorCode = (code: string): boolean =>
  REQUEST_ERROR_CODES.has(code) || code.startsWith('PERSISTED_QUERY_');

/** Codes that code other than `DomainError` may set deliberately (e.g. type-graphql's auth errors). */
const KNOWN_CODES: ReadonlyMap<string, ErrorCode> = new Map<string, ErrorCode>([
  ['UNAUTHENTICATED', 'UNAUTHENTICATED'],
  ['FORBIDDEN', 'FORBIDDEN'],
  ['UNAUTHORIZED', 'FORBIDDEN'],
  ['NOT_FOUND', 'NOT_FOUND'],
  ['CONFLICT', 'CONFLICT'],
  ['RATE_LIMITED', 'RATE_LIMITED'],
]);

export const CONTRACT_CODES: readonly ErrorCode[] = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
];

const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

export const httpStatusForCode = (code: ErrorCode): number => HTTP_STATUS[code];

/** Walks `originalError` / `cause` links, outermost first. */
function* errorChain(error: unknown): Generator<unknown> {
  let current = error;
  for (let hops = 0; hops < 20 && current !== undefined && current !== null; hops += 1) {
    yield current;
    if (current instanceof GraphQLError) current = current.originalError;
    else if (current instanceof Error) current = current.cause;
    else return;
  }
}

const correlationIdsOfErrors = new WeakMap<object, string>();

/** Which request an error belongs to, for its log line should it turn out to be unexpected. */
export function tagWithCorrelationId(error: unknown, correlationId: string): void {
  if (typeof error === 'object' && error !== null) correlationIdsOfErrors.set(error, correlationId);
}

function correlationIdOfError(error: unknown): string | undefined {
  for (const link of errorChain(error)) {
    const id = typeof link === 'object' && link !== null ? correlationIdsOfErrors.get(link) : undefined;
    if (id !== undefined) return id;
  }
  return undefined;
}

export function findDomainError(error: unknown): DomainError | undefined {
  for (const link of errorChain(error)) if (link instanceof DomainError) return link;
  return undefined;
}

function rootCause(error: unknown): unknown {
  let last: unknown = error;
  for (const link of errorChain(error)) last = link;
  return last;
}

const withoutSuggestions = (message: string): string => message.replace(/ ?Did you mean(.+?)\?$/, '');

function fieldOf(extensions: Readonly<Record<string, unknown>> | undefined): { field?: string } {
  if (typeof extensions?.field === 'string') return { field: extensions.field };
  // type-graphql's ArgumentValidationError carries class-validator errors, which hold the input object.
  const first: unknown = Array.isArray(extensions?.validationErrors)
    ? extensions.validationErrors[0]
    : undefined;
  if (
    typeof first === 'object' &&
    first !== null &&
    'property' in first &&
    typeof first.property === 'string'
  ) {
    return { field: first.property };
  }
  return {};
}

/**
 * The one error formatter of the server, for Apollo (`formatError`) and graphql-ws: every error leaves
 * with a contract code; unexpected errors are logged and replaced by "Internal server error".
 */
export function createErrorFormatter(options: { logger: Logger; production: boolean }): ErrorFormatter {
  const { logger, production } = options;
  return (formatted, error) => {
    const where = {
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };
    const domain = findDomainError(error);
    if (domain)
      return { message: domain.message, ...where, extensions: { ...domain.extensions, code: domain.code } };

    const code = formatted.extensions?.code;
    if (typeof code === 'string' && isRequestErrorCode(code)) {
      return {
        message: production ? withoutSuggestions(formatted.message) : formatted.message,
        ...where,
        extensions: {
          code: 'BAD_USER_INPUT',
          ...(code === 'BAD_USER_INPUT' ? fieldOf(formatted.extensions) : { reason: code }),
        },
      };
    }
    const known = typeof code === 'string' ? KNOWN_CODES.get(code) : undefined;
    if (known) return { message: formatted.message, ...where, extensions: { code: known } };

    logger.error(
      {
        err: rootCause(error),
        correlationId: correlationIdOfError(error),
        path: formatted.path,
      },
      'unexpected error in a GraphQL operation',
    );
    return { message: 'Internal server error', ...where, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** A GraphQL-style error document, for responses written outside GraphQL (413, 404, extra routes). */
export function errorDocument(
  code: ErrorCode,
  message: string,
  extensions: Readonly<Record<string, unknown>> = {},
): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message, extensions: { ...extensions, code } }] };
}
