import type { Logger } from 'pino';
import type { Actor, Decider, DomainEvent } from '../domain/decider';
import { DomainError } from '../domain/errors';
import type { ReadModelReader } from '../readmodel/port';
import type { Projector } from '../readmodel/projector';
import { AccessRequestService } from './access-requests';
import { AccountService } from './accounts';
import type { CommandHandler, CommandResult } from './command-handler';
import type { Config } from './config';
import { LiveUpdates } from './live-updates';

/** How long a mutation's response waits for the projections to reach its events. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5000;

export interface Caller {
  actor: Actor | null;
  correlationId: string | null;
}

export interface AppDeps {
  config: Config;
  logger: Logger;
  commands: CommandHandler;
  reads: ReadModelReader;
  projector: Projector;
  now?: () => Date;
}

/** What resolvers and request handling use: run a command, read a read model. */
export class AppServices {
  readonly config: Config;
  readonly logger: Logger;
  readonly reads: ReadModelReader;
  readonly projector: Projector;
  readonly accounts: AccountService;
  readonly accessRequests: AccessRequestService;
  readonly live: LiveUpdates;
  private readonly commands: CommandHandler;
  private readonly clock: () => Date;

  constructor(deps: AppDeps) {
    this.config = deps.config;
    this.logger = deps.logger;
    this.commands = deps.commands;
    this.reads = deps.reads;
    this.projector = deps.projector;
    this.clock = deps.now ?? (() => new Date());
    this.accounts = new AccountService(this);
    this.accessRequests = new AccessRequestService(this);
    this.live = new LiveUpdates(deps.projector);
  }

  now(): string {
    return this.clock().toISOString();
  }

  /**
   * Runs a command and waits until the read models include the events it appended or, when it
   * changed nothing, the events it decided on (a retry's first result, a concurrent change), so
   * the response and every later query reflect it (contract "Consistency").
   */
  async execute<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    caller: Caller,
    occurredAt = this.now(),
  ): Promise<CommandResult<E, S>> {
    const result = await this.commands.execute(decider, streamId, command, {
      actorId: caller.actor?.userId ?? null,
      correlationId: caller.correlationId,
      supportCaseId: caller.actor?.supportCaseId ?? null,
      occurredAt,
    });
    const target = result.position ?? result.basedOn;
    if (target !== null && !(await this.projector.waitFor(target, READ_YOUR_WRITES_TIMEOUT_MS))) {
      this.logger.error(
        { streamId, correlationId: caller.correlationId },
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
   * An aggregate's current state, caught up with its stream (for authorization of reads).
   * Use it at once: a later command may evolve the same object.
   */
  async state<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string): Promise<S> {
    const { state, position } = await this.commands.state(decider, streamId);
    // The read models answer the rest of the query: let them reach what the state has seen,
    // also when another process appended it (contract "Consistency").
    if (position !== null) await this.projector.waitFor(position, READ_YOUR_WRITES_TIMEOUT_MS);
    return state;
  }
}
