import type { EffectiveRoleAssignment } from '../domain/account/permissions';
import type { StoredEvent } from '../eventstore/port';
import { asAccountEvent } from './entry';

export type AccessPathData = 'DIRECT' | 'GROUP' | 'EXTERNAL_GROUP';

/** Why a user holds one effective role (GraphQL `AccessReason`). */
export interface AccessReasonData {
  role: EffectiveRoleAssignment;
  path: AccessPathData;
  /** The events that together give the role, oldest first. */
  grantedBy: StoredEvent[];
  /** The approved access request the role came from. */
  accessRequestId: string | null;
}

interface Grant {
  events: StoredEvent[];
  accessRequestId: string | null;
}

const roleKey = (role: string, virtualAccountId: string | null): string =>
  `${role}\u0000${virtualAccountId ?? ''}`;

/**
 * Follows one user through an account's history (oldest first) and remembers, for every role
 * they hold, the events since which they hold it without a break: a role given again after it
 * was taken away is explained by the later grant.
 */
export class AccessReasonTracker {
  private direct = new Map<string, Grant>();
  /** Group → the event that made the user a member. */
  private readonly membership = new Map<string, StoredEvent>();
  /** Group → role key → the event that gave the group that access. */
  private readonly groupAccess = new Map<string, Map<string, StoredEvent>>();
  /** External group → the grant. */
  private readonly external = new Map<string, StoredEvent>();
  private lastApproval: { event: StoredEvent; requestId: string } | null = null;

  constructor(private readonly userId: string) {}

  add(stored: StoredEvent): void {
    const event = asAccountEvent(stored);
    const me = this.userId;
    switch (event.type) {
      case 'AccessApproved':
        if (event.data.requesterId === me && event.data.kind === 'USER')
          this.lastApproval = { event: stored, requestId: event.data.requestId };
        return;
      case 'UserAdded':
        if (event.data.userId === me) this.setDirect(stored, event.data.roles, []);
        return;
      case 'UserRolesChanged':
        if (event.data.userId === me) this.setDirect(stored, event.data.roles, event.data.previousRoles);
        return;
      case 'UserRemoved':
        if (event.data.userId !== me) return;
        this.direct = new Map();
        this.membership.clear();
        return;
      case 'GroupCreated':
        if (event.data.memberIds.includes(me)) this.membership.set(event.data.groupId, stored);
        this.setGroupAccess(event.data.groupId, stored, event.data.access);
        return;
      case 'GroupMembersAdded':
        if (event.data.userIds.includes(me) && !this.membership.has(event.data.groupId))
          this.membership.set(event.data.groupId, stored);
        return;
      case 'GroupMembersRemoved':
        if (event.data.userIds.includes(me)) this.membership.delete(event.data.groupId);
        return;
      case 'GroupAccessChanged':
        this.setGroupAccess(event.data.groupId, stored, event.data.access);
        return;
      case 'GroupDeleted':
        this.membership.delete(event.data.groupId);
        this.groupAccess.delete(event.data.groupId);
        return;
      case 'ExternalGroupAccessGranted':
        this.external.set(event.data.groupId, stored);
        return;
      case 'ExternalGroupAccessRevoked':
        this.external.delete(event.data.groupId);
        return;
      default:
        return;
    }
  }

  /** The reasons for `roles`, the user's effective roles now (as the live system computes them). */
  reasons(roles: readonly EffectiveRoleAssignment[]): AccessReasonData[] {
    return roles.map((role) => {
      const key = roleKey(role.role, role.virtualAccountId);
      if (role.viaGroupId === null) {
        const grant = this.direct.get(key);
        return {
          role,
          path: 'DIRECT',
          grantedBy: grant?.events ?? [],
          accessRequestId: grant?.accessRequestId ?? null,
        };
      }
      const access = this.groupAccess.get(role.viaGroupId);
      if (access !== undefined) {
        const events = [this.membership.get(role.viaGroupId), access.get(key)].filter(
          (event): event is StoredEvent => event !== undefined,
        );
        return { role, path: 'GROUP', grantedBy: oldestFirst(events), accessRequestId: null };
      }
      const grant = this.external.get(role.viaGroupId);
      const requestId = grant === undefined ? null : (grant.data as { requestId?: string }).requestId;
      return {
        role,
        path: 'EXTERNAL_GROUP',
        grantedBy: grant === undefined ? [] : [grant],
        accessRequestId: requestId ?? null,
      };
    });
  }

  private setDirect(
    stored: StoredEvent,
    roles: ReadonlyArray<{ role: string; virtualAccountId: string | null }>,
    previous: ReadonlyArray<{ role: string; virtualAccountId: string | null }>,
  ): void {
    // An approval is appended just before the UserAdded / UserRolesChanged that carries it out.
    const approval =
      this.lastApproval !== null && this.lastApproval.event.revision === stored.revision - 1
        ? this.lastApproval
        : null;
    const approved = new Set(
      approval === null
        ? []
        : (
            approval.event.data as { roles: Array<{ role: string; virtualAccountId: string | null }> }
          ).roles.map((r) => roleKey(r.role, r.virtualAccountId)),
    );
    const held = new Set(previous.map((r) => roleKey(r.role, r.virtualAccountId)));
    const next = new Map<string, Grant>();
    for (const { role, virtualAccountId } of roles) {
      const key = roleKey(role, virtualAccountId);
      const kept = held.has(key) ? this.direct.get(key) : undefined;
      if (kept !== undefined) next.set(key, kept);
      else if (approval !== null && approved.has(key))
        next.set(key, { events: [approval.event, stored], accessRequestId: approval.requestId });
      else next.set(key, { events: [stored], accessRequestId: null });
    }
    this.direct = next;
  }

  private setGroupAccess(
    groupId: string,
    stored: StoredEvent,
    access: ReadonlyArray<{ role: string; virtualAccountId: string }>,
  ): void {
    const previous = this.groupAccess.get(groupId) ?? new Map<string, StoredEvent>();
    const next = new Map<string, StoredEvent>();
    for (const { role, virtualAccountId } of access) {
      const key = roleKey(role, virtualAccountId);
      next.set(key, previous.get(key) ?? stored);
    }
    this.groupAccess.set(groupId, next);
  }
}

const oldestFirst = (events: StoredEvent[]): StoredEvent[] =>
  [...new Map(events.map((event) => [event.revision, event])).values()].sort(
    (a, b) => a.revision - b.revision,
  );
