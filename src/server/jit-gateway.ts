import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  GraphQLError,
  Source,
  getVariableValues,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type Compiled = CompiledQuery | ExecutionResult;

/** Offsets of the given line/column locations in the text (lines end as graphql-js counts them). */
function positionsIn(text: string, locations: readonly SourceLocation[]): number[] {
  const lineStarts = [0];
  for (const match of text.matchAll(/\r\n|[\n\r]/g)) lineStarts.push((match.index ?? 0) + match[0].length);
  return locations.map(({ line, column }) => (lineStarts[line - 1] ?? 0) + column - 1);
}

type ErrorShape = Pick<GraphQLError, 'message' | 'path' | 'locations' | 'originalError' | 'extensions'>;

/**
 * graphql-jit reports errors with its own GraphQLError (no `extensions` object, no source
 * positions), which Apollo cannot format with their path and locations: rebuilt as
 * graphql-js's own.
 */
function asGraphQLError(error: ErrorShape, source: string): GraphQLError {
  return new GraphQLError(error.message, {
    source: error.locations ? new Source(source) : undefined,
    positions: error.locations ? positionsIn(source, error.locations) : undefined,
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
}

/**
 * Apollo Server with graphql-jit as its executor, through Apollo's gateway interface (the one
 * documented way to replace `execute`): Apollo still parses, validates and formats errors;
 * each operation is compiled once into plain JavaScript and kept with its parsed document
 * (which Apollo's document cache keeps, so compiled operations go when their documents go).
 */
export function jitGateway(schema: GraphQLSchema): Gateway {
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled>>();
  const compiledFor = (document: DocumentNode, operationName: string | null): Compiled => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map()));
    const name = operationName ?? '';
    let entry = byName.get(name);
    if (!entry) byName.set(name, (entry = compileQuery(schema, document, operationName ?? undefined)));
    return entry;
  };
  const executor: Executor = async (request) => {
    const entry = compiledFor(request.document, request.operationName);
    if (!isCompiledQuery(entry)) return entry;
    // Variables are checked by graphql-js first, so bad input is reported exactly as without
    // the compiler (Apollo recognises those errors as BAD_USER_INPUT, HTTP 400).
    const variables = request.request.variables ?? {};
    const coerced = getVariableValues(schema, request.operation.variableDefinitions ?? [], variables, {
      maxErrors: 50,
    });
    if (coerced.errors) return { errors: coerced.errors };
    const result = await entry.query(undefined, request.context, variables);
    return result.errors
      ? { ...result, errors: result.errors.map((e) => asGraphQLError(e, request.source)) }
      : result;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}
