import { randomUUID } from 'node:crypto';
import {
  accountDecider,
  actsAsSupport,
  accountStreamId,
  domainReservationDecider,
  domainReservationStreamId,
  initialAccountState,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
} from '../domain/account';
import type { AccountAccess } from './account-access';
import { commandMetadata, type SignedInCaller } from './caller';
import type { CommandResult } from './command-handler';
import type { CommandRunner } from './command-runner';

/** An account command as a resolver states it: what to do; the who and when are added here. */
export type AccountCommandBody<C = AccountCommand> = C extends AccountCommand
  ? Pick<C, 'type' | 'data'>
  : never;

export type RunAccountCommand = (
  caller: SignedInCaller,
  accountId: string,
  body: AccountCommandBody,
) => Promise<CommandResult<AccountEvent, AccountState>>;

/**
 * The one path of every account mutation: the caller's metadata (read from the clock once), the
 * roles they hold there through other accounts' groups (worked out before the stream lock; the
 * decider confirms them against its own state), then the command, with read-your-writes.
 */
export function accountCommandRunner(
  runner: CommandRunner,
  access: AccountAccess,
  clock: () => Date,
): RunAccountCommand {
  return async (caller, accountId, body) => {
    const state = await access.state(accountId);
    const externalRoles = await access.externalRolesFor(caller.actor.userId, state);
    // Only support under a case is asked: it may not grant access to a group it is in.
    const groupMemberships = actsAsSupport(caller.actor)
      ? await access.groupMembershipsOf(caller.actor.userId)
      : undefined;
    const command: AccountCommand = {
      ...body,
      metadata: { ...commandMetadata(caller, clock), externalRoles, groupMemberships },
    };
    return runner.execute(accountDecider, accountStreamId(accountId), command);
  };
}

/**
 * Reserves the domain identifier (one stream per lower-cased identifier, appended only if it
 * does not exist, so concurrent creations cannot both win), then creates the account. The
 * command is checked against an empty account first, so bad input reserves nothing.
 */
export async function createSmartAccount(
  runner: CommandRunner,
  clock: () => Date,
  caller: SignedInCaller,
  input: { name: string; domainIdentifier: string },
): Promise<string> {
  const accountId = randomUUID();
  const metadata = commandMetadata(caller, clock);
  const command: AccountCommand = {
    type: 'CreateSmartAccount',
    data: {
      accountId,
      name: input.name,
      domainIdentifier: input.domainIdentifier,
      defaultVirtualAccountId: randomUUID(),
    },
    metadata,
  };
  accountDecider.decide(command, initialAccountState());
  const domainIdentifier = input.domainIdentifier.trim();
  await runner.execute(domainReservationDecider, domainReservationStreamId(domainIdentifier), {
    type: 'Reserve',
    data: { accountId, domainIdentifier },
    metadata,
  });
  await runner.execute(accountDecider, accountStreamId(accountId), command);
  return accountId;
}
