import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** Safety limits shared by HTTP and WebSocket. */
export const MAX_TOKENS = 5000;
export const MAX_DEPTH = 15;
export const MAX_ALIASES = 50;
export const MAX_DIRECTIVES = 50;
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** What one operation costs once every fragment spread is expanded in place. */
export interface OperationMeasure {
  /** Nesting of fields: `{ a }` is 1, `{ a { b } }` is 2. */
  depth: number;
  aliases: number;
  directives: number;
}

const ZERO: OperationMeasure = { depth: 0, aliases: 0, directives: 0 };

/**
 * Each fragment is measured once and its measure reused at every spread, so the work stays linear in the
 * document's size even when fragments spread each other exponentially. A cycle counts as empty: such a
 * document fails `NoFragmentCyclesRule` anyway.
 */
class Measurer {
  private readonly memo = new Map<string, OperationMeasure>();
  private readonly visiting = new Set<string>();

  constructor(private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>) {}

  operation(node: OperationDefinitionNode): OperationMeasure {
    const own =
      (node.directives?.length ?? 0) +
      (node.variableDefinitions ?? []).reduce((sum, v) => sum + (v.directives?.length ?? 0), 0);
    const inner = this.selectionSet(node.selectionSet);
    return { ...inner, directives: inner.directives + own };
  }

  private fragment(name: string): OperationMeasure {
    const known = this.memo.get(name);
    if (known) return known;
    const definition = this.fragments.get(name);
    if (!definition || this.visiting.has(name)) return ZERO;
    this.visiting.add(name);
    const inner = this.selectionSet(definition.selectionSet);
    this.visiting.delete(name);
    const measure = { ...inner, directives: inner.directives + (definition.directives?.length ?? 0) };
    this.memo.set(name, measure);
    return measure;
  }

  private selectionSet(set: SelectionSetNode): OperationMeasure {
    let depth = 0;
    let aliases = 0;
    let directives = 0;
    for (const selection of set.selections) {
      directives += selection.directives?.length ?? 0;
      let inner: OperationMeasure;
      let levels = 0;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases += 1;
        inner = selection.selectionSet ? this.selectionSet(selection.selectionSet) : ZERO;
        levels = 1;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = this.selectionSet(selection.selectionSet);
      } else {
        inner = this.fragment(selection.name.value);
      }
      depth = Math.max(depth, levels + inner.depth);
      aliases += inner.aliases;
      directives += inner.directives;
    }
    return { depth, aliases, directives };
  }
}

const measures = new WeakMap<DocumentNode, Map<OperationDefinitionNode, OperationMeasure>>();

/** Measures every operation of a document (cached per document, so the three rules share the work). */
export function measureDocument(document: DocumentNode): Map<OperationDefinitionNode, OperationMeasure> {
  const cached = measures.get(document);
  if (cached) return cached;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measurer = new Measurer(fragments);
  const result = new Map<OperationDefinitionNode, OperationMeasure>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) result.set(definition, measurer.operation(definition));
  }
  measures.set(document, result);
  return result;
}

function limitRule(
  key: keyof OperationMeasure,
  max: number,
  describe: (actual: number) => string,
): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(node) {
      const actual = measureDocument(context.getDocument()).get(node)?.[key] ?? 0;
      if (actual > max) context.reportError(new GraphQLError(describe(actual), { nodes: [node] }));
    },
  });
}

export const depthLimitRule = (max: number): ValidationRule =>
  limitRule('depth', max, (depth) => `Query is too deep: depth ${depth} exceeds the maximum of ${max}.`);

export const aliasLimitRule = (max: number): ValidationRule =>
  limitRule('aliases', max, (count) => `Too many aliases: ${count} exceeds the maximum of ${max}.`);

export const directiveLimitRule = (max: number): ValidationRule =>
  limitRule('directives', max, (count) => `Too many directives: ${count} exceeds the maximum of ${max}.`);

/** The limit rules, to run besides graphql's `specifiedRules`. */
export const limitRules: readonly ValidationRule[] = [
  depthLimitRule(MAX_DEPTH),
  aliasLimitRule(MAX_ALIASES),
  directiveLimitRule(MAX_DIRECTIVES),
];
