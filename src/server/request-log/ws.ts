import type { DocumentNode } from 'graphql';
import type { Logger } from 'pino';
import { durationMsSince, operationOf } from './operation';

interface StartedOperation {
  started: bigint;
  operationName: string | null;
  operationType: string | null;
}

/**
 * One JSON line per graphql-ws operation of a connection when it ends (completed, failed, refused,
 * or cut by the socket closing): the connection's request ID, the operation's ID, name and type,
 * the caller's user ID, the outcome code and the duration. Never the token or variables.
 */
export class WsOperationLog {
  private readonly operations = new Map<string, StartedOperation>();

  constructor(
    private readonly logger: Logger,
    private readonly requestId: string,
  ) {}

  started(id: string, operationName: string | null | undefined): void {
    this.operations.set(id, {
      started: process.hrtime.bigint(),
      operationName: operationName ?? null,
      operationType: null,
    });
  }

  /** Once the document parsed: the operation it runs. */
  resolved(id: string, document: DocumentNode, operationName: string | null | undefined): void {
    const operation = this.operations.get(id);
    if (operation) Object.assign(operation, operationOf(document, operationName));
  }

  finished(id: string, outcome: string, caller: string | null): void {
    const operation = this.operations.get(id);
    if (!operation) return;
    this.operations.delete(id);
    this.logger.info(
      {
        requestId: this.requestId,
        transport: 'ws',
        operationId: id,
        operationName: operation.operationName,
        operationType: operation.operationType,
        caller,
        outcome,
        durationMs: durationMsSince(operation.started),
      },
      'operation',
    );
  }
}
