import type { DocumentNode } from 'graphql';
import { getOperationAST } from 'graphql';

/** The user ID of a context's caller; null when anonymous. */
export type CallerOf<Ctx> = (context: Ctx) => string | null;

export const durationMsSince = (started: bigint): number =>
  Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;

/** The name and type of the operation a document runs; nulls when it cannot be told. */
export function operationOf(
  document: DocumentNode,
  operationName: string | null | undefined,
): { operationName: string | null; operationType: string | null } {
  const operation = getOperationAST(document, operationName);
  return {
    operationName: operation?.name?.value ?? operationName ?? null,
    operationType: operation?.operation ?? null,
  };
}
