import {
  GraphQLError,
  Source,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type SourceLocation,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** Offsets of the given line/column locations in the text (lines end as graphql-js counts them). */
function positionsIn(text: string, locations: readonly SourceLocation[]): number[] {
  const lineStarts = [0];
  for (const match of text.matchAll(/\r\n|[\n\r]/g)) lineStarts.push((match.index ?? 0) + match[0].length);
  return locations.map(({ line, column }) => (lineStarts[line - 1] ?? 0) + column - 1);
}

type ErrorShape = Pick<GraphQLError, 'message' | 'path' | 'locations' | 'originalError' | 'extensions'>;

/**
 * graphql-jit reports errors with its own GraphQLError (no `extensions` object, no source
 * positions), which cannot be formatted with their path and locations: rebuilt as graphql-js's own.
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

/** A compiled operation, or why it could not be compiled. */
export type Compiled = CompiledQuery | ExecutionResult;
export { isCompiledQuery };

/**
 * Operations compiled by graphql-jit into plain JavaScript, once per document and operation name,
 * kept with their parsed document (so they go when the document caches drop the document).
 */
export class CompiledOperations {
  private readonly compiled = new WeakMap<DocumentNode, Map<string, Compiled>>();

  constructor(private readonly schema: GraphQLSchema) {}

  of(document: DocumentNode, operationName: string | null | undefined): Compiled {
    let byName = this.compiled.get(document);
    if (!byName) this.compiled.set(document, (byName = new Map()));
    const name = operationName ?? '';
    let entry = byName.get(name);
    if (!entry) byName.set(name, (entry = compileQuery(this.schema, document, operationName ?? undefined)));
    return entry;
  }

  /** Runs a compiled operation; its errors come back as graphql-js errors with their locations. */
  static async run(
    query: CompiledQuery,
    context: unknown,
    variables: Readonly<Record<string, unknown>>,
    source: string,
  ): Promise<ExecutionResult> {
    const result = await query.query(undefined, context, variables);
    return result.errors
      ? { ...result, errors: result.errors.map((e) => asGraphQLError(e, source)) }
      : result;
  }
}
