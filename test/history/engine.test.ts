import { evolveAccount, initialAccountState, type AccountEvent } from '../../src/domain/account';
import { AccessReasonTracker } from '../../src/history/access-reasons';
import { diffAccess } from '../../src/history/diff';
import { explainAndEvolve } from '../../src/history/entry';
import { AccountTimeline } from '../../src/history/timeline';
import { effectiveRolesOf, everyoneIn } from '../../src/history/effective-roles';
import { effectiveRoles } from '../../src/domain/account/permissions';
import {
  ACCOUNT,
  SALES_VA,
  groupCreated,
  on,
  userAdded,
  whole,
  withVirtualAccounts,
} from '../domain/account/fixtures';
import { T0, asStream, auditorsGranted, daveApproved } from './fixtures';

const base = { accountId: ACCOUNT };
const salesUser = { virtualAccountId: SALES_VA, role: 'VIRTUAL_ACCOUNT_USER' as const };

/** withVirtualAccounts (revisions 0–4), then: */
const life: AccountEvent[] = [
  ...withVirtualAccounts,
  userAdded('bob', [whole('SMART_ACCOUNT_VIEWER')]), // 5
  userAdded('carol', [whole('SMART_ACCOUNT_VIEWER')]), // 6
  groupCreated('g1', 'Engineering', ['bob', 'carol'], []), // 7
  { type: 'GroupAccessChanged', data: { ...base, groupId: 'g1', access: [salesUser], previousAccess: [] } }, // 8
  daveApproved, // 9
  userAdded('dave', [whole('SMART_ACCOUNT_USER')]), // 10
  {
    type: 'UserRemoved',
    data: {
      ...base,
      userId: 'carol',
      previousRoles: [whole('SMART_ACCOUNT_VIEWER')],
      removedFromGroups: ['g1'],
      notify: false,
    },
  }, // 11
  {
    type: 'UserRolesChanged',
    data: {
      ...base,
      userId: 'bob',
      roles: [whole('SMART_ACCOUNT_USER')],
      previousRoles: [whole('SMART_ACCOUNT_VIEWER')],
    },
  }, // 12
  { type: 'GroupMembersAdded', data: { ...base, groupId: 'g1', userIds: ['dave'] } }, // 13
];
const stream = asStream(life);

function explainAll() {
  let state = initialAccountState();
  return stream.map((event) => {
    const explained = explainAndEvolve(state, event);
    state = explained.state;
    return explained.entry;
  });
}

const roleNames = (roles: Array<{ role: string; viaGroupId: string | null }>) =>
  roles.map((r) => `${r.role}${r.viaGroupId ? ` via ${r.viaGroupId}` : ''}`);

describe('access changes: every user whose effective access an event changed', () => {
  const entries = explainAll();

  it("a group's access change lists each member with before and after", () => {
    expect(entries[8].accessChanges.map((c) => [c.userId, roleNames(c.before), roleNames(c.after)])).toEqual([
      ['bob', ['SMART_ACCOUNT_VIEWER'], ['SMART_ACCOUNT_VIEWER', 'VIRTUAL_ACCOUNT_USER via g1']],
      ['carol', ['SMART_ACCOUNT_VIEWER'], ['SMART_ACCOUNT_VIEWER', 'VIRTUAL_ACCOUNT_USER via g1']],
    ]);
    expect(entries[8].accessChanges[0].after[1].viaGroup?.name).toBe('Engineering');
    expect(entries[8].accessChanges[0].after[1].virtualAccount?.name).toBe('Sales');
  });

  it('removing a user lists everything they lost', () => {
    expect(entries[11].accessChanges.map((c) => [c.userId, roleNames(c.before), roleNames(c.after)])).toEqual(
      [['carol', ['SMART_ACCOUNT_VIEWER', 'VIRTUAL_ACCOUNT_USER via g1'], []]],
    );
  });

  it('an event that changes nobody’s access has none; creating an empty-access group neither', () => {
    expect(entries[7].accessChanges).toEqual([]);
    expect(entries[9].accessChanges).toEqual([]);
    expect(entries[10].accessChanges.map((c) => c.userId)).toEqual(['dave']);
  });

  it('entries carry position, actor, subject and the data', () => {
    expect(entries[12]).toMatchObject({
      revision: 12,
      position: '13',
      type: 'UserRolesChanged',
      actorId: 'alice',
      subjectUserId: 'bob',
      summary: "alice changed bob's roles from SMART_ACCOUNT_VIEWER to SMART_ACCOUNT_USER",
    });
  });
});

describe('timeline: as of any moment with snapshots every N events', () => {
  const foldTo = (revision: number) =>
    life.slice(0, revision + 1).reduce(evolveAccount, initialAccountState());

  it.each([1, 3, 5, 1000])(
    'interval %i: the base plus the events after it equals the full fold, at every revision',
    (interval) => {
      const timeline = new AccountTimeline(interval);
      timeline.append(stream);
      for (let revision = -1; revision < stream.length; revision++) {
        let { revision: reached, state } = timeline.baseFor(revision);
        expect(revision - reached).toBeLessThanOrEqual(interval);
        while (reached < revision) state = evolveAccount(state, life[++reached]);
        expect(JSON.parse(JSON.stringify(state))).toEqual(JSON.parse(JSON.stringify(foldTo(revision))));
      }
    },
  );

  it('never shares a snapshot: changing a copy leaves the next copy as it was', () => {
    const timeline = new AccountTimeline(3);
    timeline.append(stream);
    const first = timeline.baseFor(9).state;
    first.users.bob.roles = [];
    evolveAccount(first, life[11]);
    expect(timeline.baseFor(9).state.users.bob.roles).toEqual([whole('SMART_ACCOUNT_VIEWER')]);
    expect(Object.keys(timeline.baseFor(9).state.users)).toContain('carol');
  });

  it('keeps user IDs such as __proto__ ordinary keys in copies', () => {
    const timeline = new AccountTimeline(1);
    timeline.append(
      asStream([...withVirtualAccounts, userAdded('__proto__', [whole('SMART_ACCOUNT_USER')])]),
    );
    const copy = timeline.baseFor(5).state;
    expect(Object.keys(copy.users)).toContain('__proto__');
    expect(Object.getPrototypeOf(copy.users)).toBeNull();
  });

  it('finds the last event that happened by a moment, and filters by type, actor, subject and time', () => {
    const timeline = new AccountTimeline();
    timeline.append(asStream(life, (i) => ({ actorId: i === 12 ? 'sam' : 'alice' })));
    expect(timeline.revisionAt(T0 - 1)).toBe(-1);
    expect(timeline.revisionAt(T0 + 7 * 60_000)).toBe(7);
    expect(timeline.revisionAt(T0 + 7 * 60_000 + 59_999)).toBe(7);
    expect(timeline.matching({ types: ['UserAdded'] })).toEqual([2, 5, 6, 10]);
    expect(timeline.matching({ actorId: 'sam' })).toEqual([12]);
    expect(timeline.matching({ subjectUserId: 'dave' })).toEqual([9, 10, 13]);
    expect(timeline.matching({ fromMs: T0 + 11 * 60_000, toMs: T0 + 12 * 60_000 })).toEqual([11, 12]);
  });

  it('rejects a stream with a gap', () => {
    const timeline = new AccountTimeline();
    expect(() => timeline.append(stream.slice(1))).toThrow(/expected revision 0/);
  });
});

describe('effective roles of many users at once', () => {
  it('equal the live effectiveRoles of each user, in the same order, at every revision', () => {
    let state = initialAccountState();
    for (const event of life) {
      state = evolveAccount(state, event);
      const userIds = everyoneIn(state);
      const many = effectiveRolesOf(state, userIds);
      for (const userId of userIds) expect(many.get(userId)).toEqual(effectiveRoles(state, userId));
    }
  });
});

describe('diff: users whose effective roles differ between two moments', () => {
  it('lists gains, losses and changes, ordered by user ID', () => {
    const at = (revision: number) => life.slice(0, revision + 1).reduce(evolveAccount, initialAccountState());
    const changes = diffAccess(at(7), at(13));
    expect(changes.map((c) => [c.userId, roleNames(c.before), roleNames(c.after)])).toEqual([
      ['bob', ['SMART_ACCOUNT_VIEWER'], ['SMART_ACCOUNT_USER', 'VIRTUAL_ACCOUNT_USER via g1']],
      ['carol', ['SMART_ACCOUNT_VIEWER'], []],
      ['dave', [], ['SMART_ACCOUNT_USER', 'VIRTUAL_ACCOUNT_USER via g1']],
    ]);
    expect(diffAccess(at(13), at(13))).toEqual([]);
  });
});

describe('access reasons: the events that together give each role', () => {
  const reasonsAt = (userId: string, revision = life.length - 1) => {
    const tracker = new AccessReasonTracker(userId);
    stream.slice(0, revision + 1).forEach((event) => tracker.add(event));
    const state = life.slice(0, revision + 1).reduce(evolveAccount, initialAccountState());
    return tracker.reasons(effectiveRoles(state, userId)).map((reason) => ({
      role: reason.role.role,
      path: reason.path,
      grantedBy: reason.grantedBy.map((event) => `${event.revision}:${event.type}`),
      accessRequestId: reason.accessRequestId,
    }));
  };

  it('a role through a group: the membership and the access that give it', () => {
    expect(reasonsAt('bob')).toEqual([
      {
        role: 'SMART_ACCOUNT_USER',
        path: 'DIRECT',
        grantedBy: ['12:UserRolesChanged'],
        accessRequestId: null,
      },
      {
        role: 'VIRTUAL_ACCOUNT_USER',
        path: 'GROUP',
        grantedBy: ['7:GroupCreated', '8:GroupAccessChanged'],
        accessRequestId: null,
      },
    ]);
  });

  it('an approved request: the approval and the UserAdded, and the request', () => {
    expect(reasonsAt('dave')).toEqual([
      {
        role: 'SMART_ACCOUNT_USER',
        path: 'DIRECT',
        grantedBy: ['9:AccessApproved', '10:UserAdded'],
        accessRequestId: 'r1',
      },
      {
        role: 'VIRTUAL_ACCOUNT_USER',
        path: 'GROUP',
        grantedBy: ['8:GroupAccessChanged', '13:GroupMembersAdded'],
        accessRequestId: null,
      },
    ]);
  });

  it('a role kept through a role change still points at the event that first gave it', () => {
    expect(reasonsAt('alice')).toEqual([
      { role: 'SMART_ACCOUNT_ADMIN', path: 'DIRECT', grantedBy: ['2:UserAdded'], accessRequestId: null },
    ]);
  });

  it('a role through an external grant: the grant and its request', () => {
    const tracker = new AccessReasonTracker('erin');
    const granted = asStream([...withVirtualAccounts, auditorsGranted([salesUser])]);
    granted.forEach((event) => tracker.add(event));
    const [reason] = tracker.reasons([{ ...on('VIRTUAL_ACCOUNT_USER', SALES_VA), viaGroupId: 'g9' }]);
    expect(reason.path).toBe('EXTERNAL_GROUP');
    expect(reason.grantedBy.map((event) => event.revision)).toEqual([5]);
    expect(reason.accessRequestId).toBe('r2');
  });
});
