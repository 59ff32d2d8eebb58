import type { ProfileEvent } from '../src/domain/profile/events';
import type { StoredEvent } from '../src/eventstore/port';
import type { ReadModelReader } from '../src/readmodel/port';
import type { ProjectionTx } from '../src/readmodel/projection';
import { keptKeys } from './kept-keys';

export type ProfileDoc = {
  userId: string;
  email: string;
  name: string;
  company: string | null;
  active: boolean;
  registeredAt: string;
};

export const profileKey = (userId: string): string => `profile:${userId}`;
/** The same keys, kept for reads (see `keptKeys`). */
const readProfileKey = keptKeys(profileKey);
/** A sorted set of the user IDs whose profile has this email (lower-cased). */
const profilesByEmailKey = (email: string): string => `profile-email:${email.toLowerCase()}`;

export async function applyProfileEvent(stored: StoredEvent, tx: ProjectionTx): Promise<void> {
  const event = { type: stored.type, data: stored.data } as ProfileEvent;
  switch (event.type) {
    case 'ProfileRegistered': {
      const { userId, email, name, company, registeredAt } = event.data;
      tx.set(profileKey(userId), { userId, email, name, company, active: true, registeredAt });
      tx.sortedAdd(profilesByEmailKey(email), userId, 0);
      return;
    }
    case 'ProfileUpdated': {
      const { userId, changes } = event.data;
      const doc = await tx.get<ProfileDoc>(profileKey(userId));
      if (!doc) return;
      if (changes.email !== undefined && changes.email.toLowerCase() !== doc.email.toLowerCase()) {
        tx.sortedRemove(profilesByEmailKey(doc.email), userId);
        tx.sortedAdd(profilesByEmailKey(changes.email), userId, 0);
      }
      tx.set(profileKey(userId), { ...doc, ...changes });
      return;
    }
    default:
      return;
  }
}

export const PROFILE_KEY_PREFIXES = ['profile:', 'profile-email:'];

/** What the API and the application ask of profiles. */
export function profileQueries(reads: ReadModelReader) {
  return {
    byId: (userId: string): Promise<ProfileDoc | undefined> => reads.get<ProfileDoc>(profileKey(userId)),
    byIds: (userIds: readonly string[]): Promise<(ProfileDoc | undefined)[]> =>
      reads.getMany<ProfileDoc>(userIds.map(readProfileKey)),
    /** The one active profile with this email; null when none, or when two share it (it says not who is meant). */
    async activeUserIdWithEmail(email: string): Promise<string | null> {
      const members = await reads.sortedRange(profilesByEmailKey(email), { limit: 10 });
      const profiles = await reads.getMany<ProfileDoc>(members.map((m) => profileKey(m.member)));
      const active = profiles.filter((profile): profile is ProfileDoc => profile?.active === true);
      return active.length === 1 ? active[0].userId : null;
    },
  };
}

export type ProfileQueries = ReturnType<typeof profileQueries>;
