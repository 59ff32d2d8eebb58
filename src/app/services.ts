import type { Logger } from 'pino';
import type { Actor, Decider, DomainEvent } from '../domain/decider';
import type { ReadModelReader } from '../readmodel/port';
import type { Projector } from '../readmodel/projector';
import { AccountService } from './accounts';
import type { CommandHandler, CommandResult } from './command-handler';
import type { Config } from './config';

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
  }

  now(): string {
    return this.clock().toISOString();
  }

  /**
   * Runs a command and, when it appended events, waits until the read models include them,
   * so the response and every later query reflect the change (contract "Consistency").
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
    if (result.position !== null) {
      const reached = await this.projector.waitFor(result.position, READ_YOUR_WRITES_TIMEOUT_MS);
      if (!reached) this.logger.warn({ streamId }, 'read models did not catch up within the bound');
    }
    return result;
  }

  /**
   * An aggregate's current state, caught up with its stream (for authorization of reads).
   * Use it at once: a later command may evolve the same object.
   */
  state<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string): Promise<S> {
    return this.commands.state(decider, streamId);
  }
}
