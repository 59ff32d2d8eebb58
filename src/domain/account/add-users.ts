import { badInput } from '../errors';
import type { AddUsersCommand, AddUsersEntry } from './commands';
import type { AccountEvent, AddUserOutcome, AddUserResultData, UserBatchRecorded } from './events';
import {
  authorize,
  forbidSupportSelfGrant,
  mayManageAssignments,
  outsideVirtualAccountScope,
} from './permissions';
import { validateAssignments, type RoleAssignment } from './roles';
import { batchKey, lookup, type AccountState } from './state';

export const ADD_USERS_MAX_ENTRIES = 10_000;
export const IDEMPOTENCY_KEY_MAX = 200;

export interface AddUsersPlan {
  /** One per entry, in input order. */
  results: AddUserResultData[];
  /** True when the idempotency key was used before: these are that batch's results. */
  replayed: boolean;
}

const DEFAULT_PROBLEM_MESSAGES = {
  NOT_FOUND: 'No active profile has this user ID or email',
  INVALID: 'Not a user ID or an email address',
} as const;

// addUsers never changes the roles of someone who already is a user: that is setUserRoles' job.
const ALREADY_MEMBER_MESSAGE = 'Already a user of this Smart Account; their roles were left as they are';

const describeEntry = (entry: AddUsersEntry) =>
  entry.line !== null ? `line ${entry.line}` : `"${entry.input}"`;

/** Each entry's outcome; only the first entry naming a user counts, later ones are duplicates. */
function outcomes(
  entries: readonly AddUsersEntry[],
  isMember: (userId: string) => boolean,
  addOutcome: Extract<AddUserOutcome, 'ADDED' | 'WOULD_ADD'>,
): AddUserResultData[] {
  const firstEntryOf = new Map<string, AddUsersEntry>();
  return entries.map((entry): AddUserResultData => {
    const { input, line, userId } = entry;
    if (entry.problem !== null || userId === null) {
      const outcome = entry.problem ?? 'NOT_FOUND';
      return {
        input,
        line,
        outcome,
        message: entry.message ?? DEFAULT_PROBLEM_MESSAGES[outcome],
        userId: null,
      };
    }
    const first = firstEntryOf.get(userId);
    if (first !== undefined) {
      return {
        input,
        line,
        outcome: 'DUPLICATE_IN_BATCH',
        message: `Same user as ${describeEntry(first)}`,
        userId,
      };
    }
    firstEntryOf.set(userId, entry);
    if (isMember(userId))
      return { input, line, outcome: 'ALREADY_MEMBER', message: ALREADY_MEMBER_MESSAGE, userId };
    return { input, line, outcome: addOutcome, message: null, userId };
  });
}

function checkedIdempotencyKey(key: string | null): string | null {
  if (key === null || key === '') return null;
  if (key.length > IDEMPOTENCY_KEY_MAX) {
    throw badInput(`idempotencyKey must be at most ${IDEMPOTENCY_KEY_MAX} characters long`, 'idempotencyKey');
  }
  return key;
}

interface PreparedPlan extends AddUsersPlan {
  idempotencyKey: string | null;
}

interface PreparedBatch extends PreparedPlan {
  roles: RoleAssignment[];
}

/** The batch's outcomes for `actorId` on `state` (a key used before replays that batch's results). */
function planOf(data: AddUsersCommand['data'], actorId: string, state: AccountState): PreparedPlan {
  const idempotencyKey = checkedIdempotencyKey(data.idempotencyKey);
  // A dry run is a review that changes nothing: it neither replays nor records a key.
  if (!data.dryRun && idempotencyKey !== null) {
    const recorded = lookup(state.batches, batchKey(actorId, idempotencyKey));
    if (recorded !== undefined) {
      return { idempotencyKey, replayed: true, results: recorded.results.map((result) => ({ ...result })) };
    }
  }
  const isMember = (userId: string) => lookup(state.users, userId) !== undefined;
  const results = outcomes(data.entries, isMember, data.dryRun ? 'WOULD_ADD' : 'ADDED');
  return { idempotencyKey, replayed: false, results };
}

function prepare(command: AddUsersCommand, state: AccountState): PreparedBatch {
  const { actor, externalRoles: extra = [] } = command.metadata;
  authorize(state, actor, 'manageUsers', extra);
  const roles = validateAssignments(command.data.roles, state);
  if (!mayManageAssignments(state, actor, roles, extra)) throw outsideVirtualAccountScope();
  if (command.data.entries.length === 0) throw badInput('Give at least one user', 'users');
  if (command.data.entries.length > ADD_USERS_MAX_ENTRIES) {
    throw badInput(`At most ${ADD_USERS_MAX_ENTRIES} users can be added at once`, 'users');
  }
  forbidSupportSelfGrant(
    actor,
    command.data.entries.flatMap((entry) => (entry.userId === null ? [] : [entry.userId])),
  );
  return { roles, ...planOf(command.data, actor.userId, state) };
}

/**
 * What `AddUsers` does or would do, checked like `decide` (authorization included, also for
 * dry runs); the resolver answers dry runs with it.
 */
export function planAddUsers(command: AddUsersCommand, state: AccountState): AddUsersPlan {
  const { results, replayed } = prepare(command, state);
  return { results, replayed };
}

export function decideAddUsers(command: AddUsersCommand, state: AccountState): AccountEvent[] {
  const batch = prepare(command, state);
  if (command.data.dryRun || batch.replayed) return [];
  const events: AccountEvent[] = [];
  for (const { outcome, userId } of batch.results) {
    if (outcome !== 'ADDED' || userId === null) continue;
    events.push({
      type: 'UserAdded',
      data: {
        accountId: state.accountId,
        userId,
        roles: batch.roles.map((assignment) => ({ ...assignment })),
        notify: command.data.notify,
        addedAt: command.metadata.at,
        addedBy: command.metadata.actor.userId,
      },
    });
  }
  if (batch.idempotencyKey !== null) {
    events.push({
      type: 'UserBatchRecorded',
      data: {
        accountId: state.accountId,
        idempotencyKey: batch.idempotencyKey,
        actorId: command.metadata.actor.userId,
        results: batch.results,
      },
    });
  }
  return events;
}

const isBatchRecord = (event: AccountEvent): event is UserBatchRecorded => event.type === 'UserBatchRecorded';

/**
 * The results to report once the command handler ran an `AddUsers` with `data` for `actorId`:
 * `appended` are the events it appended, `stateAfter` the state it returned. Derived from the
 * events, because the state the decision was made on is gone by then.
 */
export function addUsersResults(
  data: AddUsersCommand['data'],
  actorId: string,
  appended: readonly AccountEvent[],
  stateAfter: AccountState,
): AddUsersPlan {
  // Nothing appended: the state is the one decided on (a dry run, a replay, or nobody new).
  if (appended.length === 0) {
    const { results, replayed } = planOf(data, actorId, stateAfter);
    return { results, replayed };
  }
  const record = appended.find(isBatchRecord);
  if (record !== undefined) return { results: record.data.results, replayed: false };
  const added = new Set(appended.flatMap((event) => (event.type === 'UserAdded' ? [event.data.userId] : [])));
  return { results: outcomes(data.entries, (userId) => !added.has(userId), 'ADDED'), replayed: false };
}
