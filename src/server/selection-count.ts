import { GraphQLError, Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { DomainError } from '../domain/errors';
import { MAX_TOKENS } from './limits';

/**
 * Most selections (fields, fragment spreads, inline fragments) a document may write. graphql's
 * OverlappingFieldsCanBeMerged rule compares same-named fields pairwise, so validating a document of
 * 1,248 `me { userId }` took seconds; this count is linear and runs before validation.
 */
export const MAX_SELECTIONS = 500;

/** The selections written in the document (fragments counted where defined, not at each spread). */
export function countSelections(document: DocumentNode): number {
  let count = 0;
  const pending: SelectionSetNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION)
      pending.push(definition.selectionSet);
  }
  for (let set = pending.pop(); set; set = pending.pop()) {
    count += set.selections.length;
    for (const selection of set.selections) {
      if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet)
        pending.push(selection.selectionSet);
    }
  }
  return count;
}

function tooManySelections(count: number, max: number): DomainError {
  const message = `Too many fields: ${count} selections exceed the maximum of ${max}.`;
  return new DomainError('BAD_USER_INPUT', message, { selections: count, maxSelections: max });
}

/** BAD_USER_INPUT when the document has too many selections, else null. */
export function tooManySelectionsError(document: DocumentNode, max: number): GraphQLError | null {
  const count = countSelections(document);
  if (count <= max) return null;
  const error = tooManySelections(count, max);
  return new GraphQLError(error.message, { originalError: error });
}

/**
 * The same check on a document's text, for Apollo, whose hooks cannot refuse a request between parsing and
 * validation. Every selection takes at least a name and a separator, so a text shorter than twice the
 * maximum cannot exceed it and is not parsed here; a syntax error is left to Apollo to report.
 */
export function tooManySelectionsInText(query: string, max: number): DomainError | null {
  if (query.length < 2 * max) return null;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_TOKENS, noLocation: true });
  } catch {
    return null;
  }
  const count = countSelections(document);
  return count > max ? tooManySelections(count, max) : null;
}
