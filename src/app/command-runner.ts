import type { Logger } from 'pino';
import type { Command, Decider, DomainEvent } from '../domain/decider';
import { DomainError } from '../domain/errors';
import type { ProjectionProgress } from '../readmodel/progress';
import type { CommandHandler, CommandResult } from './command-handler';

/** How long a mutation's response waits for the projections to reach its events. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5000;

/**
 * The command handler with the contract's read-your-writes guarantee: a command's result,
 * and every query after it, reflect what it appended (contract "Consistency").
 */
export class CommandRunner {
  constructor(
    private readonly handler: CommandHandler,
    private readonly projector: ProjectionProgress,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs a command and waits until the read models include the events it appended or, when it
   * changed nothing, the events it decided on (a retry's first result, a concurrent change).
   */
  async execute<C extends Command, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
  ): Promise<CommandResult<E, S>> {
    const result = await this.handler.execute(decider, streamId, command);
    const target = result.position ?? result.basedOn;
    if (target !== null && !(await this.projector.waitFor(target, READ_YOUR_WRITES_TIMEOUT_MS))) {
      this.logger.error(
        { streamId, correlationId: command.metadata.correlationId },
        'read models did not catch up within the bound',
      );
      // Answering from read models that miss the change would contradict it.
      throw new DomainError(
        'INTERNAL_SERVER_ERROR',
        'The change was saved, but reading it back took too long; query it again shortly',
      );
    }
    return result;
  }

  /**
   * An aggregate's current state, caught up with its stream (for authorization of reads), with
   * the read models caught up to it too, also when another process appended the events. Use it
   * at once: a later command may evolve the same object.
   */
  async state<C extends Command, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
  ): Promise<S> {
    const { state, position } = await this.handler.state(decider, streamId);
    if (position !== null) await this.projector.waitFor(position, READ_YOUR_WRITES_TIMEOUT_MS);
    return state;
  }
}
