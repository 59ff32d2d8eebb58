import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, type FragmentDefinitionNode, type GraphQLSchema } from 'graphql';
import { operationCost, tooCostlyError } from './query-cost';

export interface DocumentLimits {
  maxCost: number;
}

export const fragmentsOf = (definitions: readonly { kind: Kind }[]): FragmentDefinitionNode[] =>
  definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);

/** Apollo's side of the cost bound: a costly operation is refused once resolved, before it executes. */
export function documentLimitsPlugin(
  schema: GraphQLSchema,
  limits: DocumentLimits,
): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          if (!operation) return;
          const cost = operationCost(schema, fragmentsOf(document.definitions), operation, request.variables);
          if (cost > limits.maxCost) throw tooCostlyError(cost, limits.maxCost);
        },
      };
    },
  };
}
