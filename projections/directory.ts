import type { StoredEvent } from '../src/eventstore/port';
import type { Projection, ProjectionTx } from '../src/readmodel/projection';
import { ACCESS_REQUEST_KEY_PREFIXES, applyAccessRequestEvent } from './access-requests';
import { ACCOUNT_KEY_PREFIXES, applyAccountEvent, reindexUser } from './accounts';
import { PROFILE_KEY_PREFIXES, applyProfileEvent, profileKey, type ProfileDoc } from './profiles';

/**
 * Profiles, accounts, their users, groups and access requests in one projection: user search indexes the
 * profile's name and email, so both must be seen in the log's order.
 */
async function apply(event: StoredEvent, tx: ProjectionTx): Promise<void> {
  if (event.type === 'ProfileRegistered' || event.type === 'ProfileUpdated') {
    await applyProfileEvent(event, tx);
    if (event.type === 'ProfileUpdated') {
      const profile = await tx.get<ProfileDoc>(profileKey(String(event.data.userId)));
      if (profile) await reindexUser(tx, profile);
    }
    return;
  }
  await applyAccountEvent(event, tx);
  await applyAccessRequestEvent(event, tx);
}

export const directoryProjection: Projection = {
  name: 'directory.v1',
  keyPrefixes: [...PROFILE_KEY_PREFIXES, ...ACCOUNT_KEY_PREFIXES, ...ACCESS_REQUEST_KEY_PREFIXES],
  apply,
};
