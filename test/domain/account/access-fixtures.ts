import type {
  AccountCommand,
  AccountEvent,
  ApproveAccessRequestCommand,
  GroupAccessInput,
  RequestAccessCommand,
  RequestGroupAccessCommand,
  RoleAssignmentInput,
} from '../../../src/domain/account';
import type { Actor } from '../../../src/domain/decider';
import { actor, alice, at, given } from './fixtures';

export { auditor, support, supportWithoutCase, team } from './groups-fixtures';

/** The reminder interval used throughout (the default, one day). */
export const DAY = 86_400;
export const T0 = at;
/** ISO time `seconds` after `from` (T0 by default); fractions give milliseconds. */
export const after = (seconds: number, from = T0): string =>
  new Date(Date.parse(from) + seconds * 1000).toISOString();

/** Not a user of acc-1: files USER requests. */
export const rita = actor('rita');
export const mallory = actor('mallory');
/** SMART_ACCOUNT_ADMIN of acc-2 (Globex): files GROUP requests for its group g-partners. */
export const gail = actor('gail');

export const REQUESTING_ACCOUNT = 'acc-2';
export const PARTNERS = 'g-partners';

export const requestAccess = (
  { at = T0, ...fields }: Partial<RequestAccessCommand['data']> & { at?: string } = {},
  by: Actor = rita,
): AccountCommand => ({
  type: 'RequestAccess',
  data: {
    requestId: 'req-1',
    lookupId: 'LKUP-0001',
    reason: 'I need the Sales reports',
    reminderIntervalSeconds: DAY,
    ...fields,
  },
  metadata: { at, actor: by },
});

export const requestGroupAccess = (
  { at = T0, ...fields }: Partial<RequestGroupAccessCommand['data']> & { at?: string } = {},
  by: Actor = gail,
): AccountCommand => ({
  type: 'RequestGroupAccess',
  data: {
    requestId: 'req-g1',
    lookupId: 'GRP7-K2QX',
    reason: 'Our partner team works on your Sales pipeline',
    reminderIntervalSeconds: DAY,
    requestingAccountId: REQUESTING_ACCOUNT,
    requestingAccountName: 'Globex',
    requestingGroupId: PARTNERS,
    requestingGroupName: 'Partners',
    ...fields,
  },
  metadata: { at, actor: by },
});

export const remind = (
  when: string,
  by: Actor = rita,
  requestId = 'req-1',
  reminderIntervalSeconds = DAY,
): AccountCommand => ({
  type: 'SendAccessReminder',
  data: { requestId, reminderIntervalSeconds },
  metadata: { actor: by, at: when },
});

export const cancel = (by: Actor = rita, requestId = 'req-1', when = after(60)): AccountCommand => ({
  type: 'CancelAccessRequest',
  data: { requestId },
  metadata: { actor: by, at: when },
});

export const approve = (
  roles: RoleAssignmentInput[] | null = [{ role: 'SMART_ACCOUNT_VIEWER' }],
  {
    at = after(3600),
    ...fields
  }: Partial<Omit<ApproveAccessRequestCommand['data'], 'roles'>> & { at?: string } = {},
  by: Actor = alice,
): AccountCommand => ({
  type: 'ApproveAccessRequest',
  data: { requestId: 'req-1', roles, ...fields },
  metadata: { at, actor: by },
});

export const decline = (
  { at = after(3600), ...fields }: { requestId?: string; message?: string | null; at?: string } = {},
  by: Actor = alice,
): AccountCommand => ({
  type: 'DeclineAccessRequest',
  data: { requestId: 'req-1', ...fields },
  metadata: { at, actor: by },
});

export const grant = (
  access: GroupAccessInput[],
  { at = after(7200), ...fields }: { lookupId?: string; message?: string | null; at?: string } = {},
  by: Actor = alice,
): AccountCommand => ({
  type: 'GrantExternalGroupAccess',
  data: { lookupId: 'GRP7-K2QX', access, ...fields },
  // The application tells the decider which groups the actor is in (none here).
  metadata: { at, actor: by, groupMemberships: [] },
});

export const revoke = (groupId = PARTNERS, by: Actor = alice, when = after(10_000)): AccountCommand => ({
  type: 'RevokeExternalGroupAccess',
  data: { groupId },
  metadata: { actor: by, at: when },
});

/** `history` followed by what `command` decides on it (which must succeed). */
export const decided = (history: readonly AccountEvent[], command: AccountCommand): AccountEvent[] => [
  ...history,
  ...given(...history)
    .when(command)
    .events(),
];

/** The events `command` decides on `history`. */
export const eventsOf = (history: readonly AccountEvent[], command: AccountCommand): AccountEvent[] =>
  given(...history)
    .when(command)
    .events();
