import type { AccountCommandInput } from '../app/accounts';
import type { AccountCommand } from '../domain/account';
import { callerOf, requireUser, type GraphQLContext } from './context';

/** Runs a command on an account as the signed-in caller. */
export function runOnAccount(context: GraphQLContext, accountId: string, command: AccountCommandInput) {
  const { actor } = requireUser(context);
  return context.app.accounts.run(callerOf(context), accountId, {
    ...command,
    actor,
    at: context.app.now(),
  } as AccountCommand);
}
