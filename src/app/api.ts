import type { AccessRequestQueries } from '../../projections/access-requests';
import type { AccountQueries } from '../../projections/accounts';
import type { ProfileQueries } from '../../projections/profiles';
import type { AddUsersEntry } from '../domain/account';
import type { AccountHistory } from '../history/account-history';
import type { AccountAccess } from './account-access';
import type { RunAccountCommand } from './account-commands';
import type { AccessRequestCommands } from './access-requests';
import type { SignedInCaller } from './caller';
import type { LiveUpdates } from './live-updates';
import type { UserEntry } from './user-entries';

/** The read models' query functions, one set per projection. */
export interface Queries {
  accounts: AccountQueries;
  accessRequests: AccessRequestQueries;
  profiles: ProfileQueries;
}

/** What the GraphQL resolvers use: plain dependencies, wired in app.ts. */
export interface AppApi {
  /** Every account mutation goes through here. */
  runAccountCommand: RunAccountCommand;
  createSmartAccount(
    caller: SignedInCaller,
    input: { name: string; domainIdentifier: string },
  ): Promise<string>;
  updateMyProfile(
    caller: SignedInCaller,
    input: { name?: string | null; company?: string | null },
  ): Promise<void>;
  accessRequests: AccessRequestCommands;
  resolveUserEntries(entries: readonly UserEntry[]): Promise<AddUsersEntry[]>;
  access: AccountAccess;
  queries: Queries;
  live: LiveUpdates;
  /** Accounts' histories: entries, as-of, diffs, access reasons, export, following. */
  history: AccountHistory;
  reminderIntervalSeconds: number;
}
