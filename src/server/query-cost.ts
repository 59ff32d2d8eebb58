import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DomainError } from '../domain/errors';

export const DEFAULT_MAX_COST = 20_000;
/** What a list without `first` counts for (contract "Rules"). */
export const UNBOUNDED_LIST_SIZE = 10;

type Variables = Readonly<Record<string, unknown>> | null | undefined;

/**
 * The contract's cost rule: every field costs 1 plus what it selects; a field with a `first` argument
 * costs that many times as much, a list field without one 10 times; nested lists multiply. The `nodes`
 * and `edges` of a connection whose `first` was counted are the same items and count once.
 * Introspection fields (`__schema`, `__type`) cost 1: their size is bounded by the schema.
 *
 * Each fragment is costed once per context and reused at every spread, so the work stays linear in the
 * document's size however fragments spread each other (graphql-query-complexity expands every spread).
 */
class CostEstimator {
  private readonly memo = new Map<string, number>();
  private readonly visiting = new Set<string>();
  /** Whether a variable's value went into the cost. */
  usedVariables = false;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly operation: OperationDefinitionNode,
    private readonly variables: Variables,
  ) {}

  total(): number {
    const root = this.schema.getRootType(this.operation.operation);
    return root ? this.selectionSet(this.operation.selectionSet, root, false) : 0;
  }

  private selectionSet(set: SelectionSetNode, type: GraphQLCompositeType, pageCounted: boolean): number {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = 'getFields' in type ? type.getFields()[selection.name.value] : undefined;
        if (!field || !selection.selectionSet) {
          cost += 1;
          continue;
        }
        const size = this.sizeOf(field, selection.arguments ?? [], pageCounted);
        const inner = getNamedType(field.type);
        const counted = this.hasFirst(field);
        const children = isCompositeType(inner)
          ? this.selectionSet(selection.selectionSet, inner, counted)
          : 0;
        cost += size * (1 + children);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? this.schema.getType(selection.typeCondition.name.value)
          : type;
        if (condition && isCompositeType(condition))
          cost += this.selectionSet(selection.selectionSet, condition, pageCounted);
      } else {
        cost += this.fragment(selection.name.value, pageCounted);
      }
    }
    return cost;
  }

  private fragment(name: string, pageCounted: boolean): number {
    const key = `${name}:${pageCounted}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const definition = this.fragments.get(name);
    // A cycle counts as empty: such a document fails `NoFragmentCyclesRule` anyway.
    if (!definition || this.visiting.has(key)) return 0;
    const type = this.schema.getType(definition.typeCondition.name.value);
    if (!type || !isCompositeType(type)) return 0;
    this.visiting.add(key);
    const cost = this.selectionSet(definition.selectionSet, type, pageCounted);
    this.visiting.delete(key);
    this.memo.set(key, cost);
    return cost;
  }

  private hasFirst(field: GraphQLField<unknown, unknown>): boolean {
    return field.args.some((arg) => arg.name === 'first');
  }

  private sizeOf(
    field: GraphQLField<unknown, unknown>,
    args: readonly { name: { value: string }; value: ValueNode }[],
    pageCounted: boolean,
  ): number {
    if (field.name.startsWith('__')) return 1;
    const firstArg = field.args.find((arg) => arg.name === 'first');
    if (firstArg) {
      const given = args.find((arg) => arg.name.value === 'first');
      const value = given ? this.intValue(given.value) : undefined;
      const fallback =
        typeof firstArg.defaultValue === 'number' ? firstArg.defaultValue : UNBOUNDED_LIST_SIZE;
      return Math.max(0, value ?? fallback);
    }
    if (!isListType(getNullableType(field.type))) return 1;
    return pageCounted ? 1 : UNBOUNDED_LIST_SIZE;
  }

  private intValue(node: ValueNode): number | undefined {
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind !== Kind.VARIABLE) return undefined;
    this.usedVariables = true;
    const name = node.name.value;
    const given = this.variables?.[name];
    if (typeof given === 'number') return given;
    if (given !== undefined) return undefined;
    const definition = this.operation.variableDefinitions?.find((v) => v.variable.name.value === name);
    return definition?.defaultValue ? this.intValue(definition.defaultValue) : undefined;
  }
}

/**
 * The cost of the operation about to run, with the request's variables, and whether any of them went
 * into it (when none did, the cost is the same for every request of the operation).
 */
export function operationCostOf(
  schema: GraphQLSchema,
  fragments: readonly FragmentDefinitionNode[],
  operation: OperationDefinitionNode,
  variables: Variables,
): { cost: number; usedVariables: boolean } {
  const byName = new Map(fragments.map((fragment) => [fragment.name.value, fragment]));
  const estimator = new CostEstimator(schema, byName, operation, variables);
  const cost = estimator.total();
  return { cost, usedVariables: estimator.usedVariables };
}

/** The cost of the operation about to run, with the request's variables. */
export function operationCost(
  schema: GraphQLSchema,
  fragments: readonly FragmentDefinitionNode[],
  operation: OperationDefinitionNode,
  variables: Variables,
): number {
  return operationCostOf(schema, fragments, operation, variables).cost;
}

/** BAD_USER_INPUT with `extensions.cost` / `extensions.maxCost`, HTTP 400. */
export function tooCostlyError(cost: number, maxCost: number): GraphQLError {
  const shown = Math.min(cost, Number.MAX_SAFE_INTEGER);
  const message = `Query is too expensive: cost ${shown} exceeds the maximum of ${maxCost}.`;
  return new GraphQLError(message, {
    originalError: new DomainError('BAD_USER_INPUT', message, { cost: shown, maxCost }),
    extensions: { http: { status: 400 } },
  });
}
