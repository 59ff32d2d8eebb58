import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { limitRules } from './limits';
import { tooManySelectionsError } from './selection-count';

export type DocumentValidator = (document: DocumentNode) => readonly GraphQLError[];

export function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/**
 * Why a parsed document is refused: size limits first, then graphql's validation (with introspection
 * refused in production); empty when valid. The same rules Apollo runs over HTTP, so a document this
 * accepts Apollo accepts too.
 */
export function documentValidator(
  schema: GraphQLSchema,
  production: boolean,
  maxSelections: number,
): DocumentValidator {
  const rules = production ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : specifiedRules;
  return (document) => {
    const tooMany = tooManySelectionsError(document, maxSelections);
    if (tooMany) return [tooMany];
    // The limit rules first and alone, so an oversized document never reaches the costlier rules.
    let errors = validate(schema, document, limitRules);
    if (errors.length === 0) errors = validate(schema, document, rules);
    return errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
  };
}
