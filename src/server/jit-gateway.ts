import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { getVariableValues, type GraphQLSchema } from 'graphql';
import { CompiledOperations, isCompiledQuery } from './compiled-operations';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/**
 * Apollo Server with graphql-jit as its executor, through Apollo's gateway interface (the one
 * documented way to replace `execute`): Apollo still parses, validates and formats errors.
 */
export function jitGateway(schema: GraphQLSchema, compiled: CompiledOperations): Gateway {
  const executor: Executor = async (request) => {
    const entry = compiled.of(request.document, request.operationName);
    if (!isCompiledQuery(entry)) return entry;
    // Variables are checked by graphql-js first, so bad input is reported exactly as without
    // the compiler (Apollo recognises those errors as BAD_USER_INPUT, HTTP 400).
    const variables = request.request.variables ?? {};
    const coerced = getVariableValues(schema, request.operation.variableDefinitions ?? [], variables, {
      maxErrors: 50,
    });
    if (coerced.errors) return { errors: coerced.errors };
    return CompiledOperations.run(entry, request.context, variables, request.source);
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
