import type { IncomingHttpHeaders } from 'node:http';
import {
  getOperationAST,
  getVariableValues,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { CompiledQuery } from 'graphql-jit';
import { CompiledOperations, isCompiledQuery } from './compiled-operations';
import { DocumentCache } from './document-cache';
import { fragmentsOf } from './document-limits-plugin';
import type { DocumentValidator } from './document-validation';
import { MAX_TOKENS } from './limits';
import { operationCostOf } from './query-cost';

/** A request ready to run as it is: its document valid, its operation chosen and compiled, its variables sound. */
export interface DirectOperation {
  readonly compiled: CompiledQuery;
  readonly operation: OperationDefinitionNode;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly source: string;
}

interface ValidDocument {
  readonly document: DocumentNode;
  readonly fragments: readonly FragmentDefinitionNode[];
}

type Variables = Record<string, unknown>;

interface PlainRequest {
  query: string;
  operationName?: string | null;
  variables?: Variables | null;
}

const REQUEST_KEYS = new Set(['query', 'operationName', 'variables']);
const JSON_CONTENT = /^application\/json\s*(;|$)/i;

const isRecord = (value: unknown): value is Variables =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A POST body Apollo would take as one plain operation: no batch, no extensions, fields of the right types. */
function plainRequestOf(body: unknown): PlainRequest | undefined {
  if (!isRecord(body) || typeof body.query !== 'string') return undefined;
  for (const key in body) if (!REQUEST_KEYS.has(key)) return undefined;
  const { operationName, variables } = body;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    return undefined;
  if (variables !== undefined && variables !== null && !isRecord(variables)) return undefined;
  return { query: body.query, operationName, variables };
}

/**
 * Whether Apollo would answer with `application/json`, the one content type answered directly.
 * (Only `application/json` bodies come here: a browser sends them cross-site only after a CORS
 * preflight, which is all Apollo's CSRF prevention asks of a POST.)
 */
const acceptsPlainJson = (accept: string | undefined): boolean =>
  accept === undefined || accept === '*/*' || accept === 'application/json';

export interface DirectOperationsOptions {
  schema: GraphQLSchema;
  validate: DocumentValidator;
  compiled: CompiledOperations;
  maxCost: number;
}

/**
 * The fast path of `/graphql` over HTTP: a request that Apollo would run without a word of its own
 * (valid document, known operation, sound variables, within the cost bound, plain JSON both ways)
 * is run here, on the same compiled operation, without Apollo's request pipeline. Everything else,
 * every refusal included, is left to Apollo, which answers it as it always has. Apollo's pipeline
 * costs more per request than the 3× read target leaves (`npm run bench:apollo-ceiling`).
 */
export class DirectOperations {
  private readonly documents = new DocumentCache<ValidDocument | null>();
  /** Costs that no variable goes into, by operation: the same for every request. */
  private readonly fixedCosts = new WeakMap<OperationDefinitionNode, number>();

  constructor(private readonly options: DirectOperationsOptions) {}

  /** The operation to run for this POST, or undefined when Apollo should answer it. */
  prepare(body: unknown, headers: IncomingHttpHeaders): DirectOperation | undefined {
    if (!JSON_CONTENT.test(headers['content-type'] ?? '') || !acceptsPlainJson(headers.accept))
      return undefined;
    const request = plainRequestOf(body);
    if (!request) return undefined;
    const valid = this.validDocument(request.query);
    if (!valid) return undefined;
    const { document, fragments } = valid;
    const operation = getOperationAST(document, request.operationName);
    if (!operation || operation.operation === 'subscription') return undefined;
    const compiled = this.options.compiled.of(document, request.operationName);
    if (!isCompiledQuery(compiled)) return undefined;
    const variables = request.variables ?? {};
    const { schema, maxCost } = this.options;
    if (this.costOf(operation, fragments, variables) > maxCost) return undefined;
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, {
      maxErrors: 1,
    });
    if (coerced.errors) return undefined;
    return { compiled, operation, variables, source: request.query };
  }

  private costOf(
    operation: OperationDefinitionNode,
    fragments: readonly FragmentDefinitionNode[],
    variables: Variables,
  ): number {
    const fixed = this.fixedCosts.get(operation);
    if (fixed !== undefined) return fixed;
    const { cost, usedVariables } = operationCostOf(this.options.schema, fragments, operation, variables);
    if (!usedVariables) this.fixedCosts.set(operation, cost);
    return cost;
  }

  private validDocument(text: string): ValidDocument | null {
    const known = this.documents.get(text);
    if (known !== undefined) return known;
    let valid: ValidDocument | null = null;
    try {
      const document = parse(text, { maxTokens: MAX_TOKENS });
      if (this.options.validate(document).length === 0)
        valid = { document, fragments: fragmentsOf(document.definitions) };
    } catch {
      // Not parsable: Apollo reports it.
    }
    this.documents.set(text, valid);
    return valid;
  }
}
