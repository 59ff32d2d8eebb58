import { badInput } from '../errors';

export const SMART_ACCOUNT_ROLES = [
  'SMART_ACCOUNT_ADMIN',
  'SMART_ACCOUNT_APPROVER',
  'SMART_ACCOUNT_USER',
  'SMART_ACCOUNT_VIEWER',
] as const;
export const VIRTUAL_ACCOUNT_ROLES = [
  'VIRTUAL_ACCOUNT_ADMIN',
  'VIRTUAL_ACCOUNT_USER',
  'VIRTUAL_ACCOUNT_VIEWER',
] as const;
export const ROLES = [...SMART_ACCOUNT_ROLES, ...VIRTUAL_ACCOUNT_ROLES] as const;

export type SmartAccountRole = (typeof SMART_ACCOUNT_ROLES)[number];
export type VirtualAccountRole = (typeof VIRTUAL_ACCOUNT_ROLES)[number];
export type Role = SmartAccountRole | VirtualAccountRole;

/** A role held by a user; `virtualAccountId` is null for SMART_ACCOUNT_* roles. */
export type RoleAssignment = { role: Role; virtualAccountId: string | null };

/** As the client sends it (GraphQL `RoleAssignmentInput`); checked by `validateAssignments`. */
export type RoleAssignmentInput = { role: string; virtualAccountId?: string | null };

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
export const isVirtualAccountRole = (role: string): role is VirtualAccountRole =>
  (VIRTUAL_ACCOUNT_ROLES as readonly string[]).includes(role);

export const sameAssignment = (a: RoleAssignment, b: RoleAssignment): boolean =>
  a.role === b.role && a.virtualAccountId === b.virtualAccountId;

const keyOf = (a: RoleAssignment) => `${a.role}\u0000${a.virtualAccountId ?? ''}`;

/** `a`, then those of `b` that `a` does not hold yet. */
export function mergeAssignments(
  a: readonly RoleAssignment[],
  b: readonly RoleAssignment[],
): RoleAssignment[] {
  const seen = new Set<string>();
  const merged: RoleAssignment[] = [];
  for (const assignment of [...a, ...b]) {
    const key = keyOf(assignment);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push({ role: assignment.role, virtualAccountId: assignment.virtualAccountId });
  }
  return merged;
}

/** The same assignments, in any order. */
export function sameAssignmentSet(a: readonly RoleAssignment[], b: readonly RoleAssignment[]): boolean {
  const keysOfA = new Set(a.map(keyOf));
  const keysOfB = new Set(b.map(keyOf));
  return keysOfA.size === keysOfB.size && [...keysOfA].every((key) => keysOfB.has(key));
}

export const holdsAccountAdmin = (roles: readonly RoleAssignment[]): boolean =>
  roles.some((assignment) => assignment.role === 'SMART_ACCOUNT_ADMIN');

/**
 * Checks the scope rules (SMART_ACCOUNT_* take no Virtual Account, VIRTUAL_ACCOUNT_* need
 * one of this account's) and drops repeats. Every failure is BAD_USER_INPUT on `field`.
 */
export function validateAssignments(
  input: readonly RoleAssignmentInput[],
  state: { virtualAccounts: Record<string, unknown> },
  field = 'roles',
): RoleAssignment[] {
  if (input.length === 0) throw badInput('Choose at least one role', field);
  const assignments: RoleAssignment[] = [];
  for (const { role, virtualAccountId } of input) {
    if (!isRole(role)) throw badInput(`Unknown role ${role}`, field);
    const scope = virtualAccountId ?? null;
    if (isVirtualAccountRole(role)) {
      if (scope === null) throw badInput(`${role} needs a Virtual Account`, field);
      if (!Object.hasOwn(state.virtualAccounts, scope)) {
        throw badInput(`Virtual Account ${scope} is not part of this Smart Account`, field);
      }
    } else if (scope !== null) {
      throw badInput(`${role} covers the entire Smart Account and takes no Virtual Account`, field);
    }
    assignments.push({ role, virtualAccountId: scope });
  }
  return mergeAssignments(assignments, []);
}
