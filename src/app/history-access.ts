import { accountNotFound, can, forbiddenTo } from '../domain/account/permissions';
import type { Actor } from '../domain/decider';
import type { AccountAccess, AccountReadAccess } from './account-access';

/** May `actor` read the account's history (contract: SMART_ACCOUNT_ADMIN, auditor, support under a case)? */
export async function mayReadHistory(
  accounts: AccountAccess,
  actor: Actor,
  accountId: string,
): Promise<boolean> {
  const access = await accounts.readAccess(actor, accountId);
  return access !== null && can(access.state, actor, 'readHistory', access.externalRoles);
}

/** NOT_FOUND when the caller may not read the account at all, FORBIDDEN when not its history. */
export async function requireHistoryReader(
  accounts: AccountAccess,
  actor: Actor,
  accountId: string,
): Promise<AccountReadAccess> {
  const access = await accounts.readAccess(actor, accountId);
  if (access === null) throw accountNotFound();
  if (!can(access.state, actor, 'readHistory', access.externalRoles)) throw forbiddenTo('readHistory');
  return access;
}
