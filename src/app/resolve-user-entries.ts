import type { ProfileQueries } from '../../projections/profiles';
import type { AddUsersEntry } from '../domain/account';
import type { UserEntry } from './user-entries';

/** Resolves typed-in or CSV entries to active profiles (by user ID or email). */
export async function resolveUserEntries(
  profiles: ProfileQueries,
  entries: readonly UserEntry[],
): Promise<AddUsersEntry[]> {
  const byUserId = entries.filter((entry) => entry.kind === 'userId').map((entry) => entry.key);
  const docs = await profiles.byIds(byUserId);
  const activeById = new Map<string, boolean>();
  byUserId.forEach((userId, index) => activeById.set(userId, docs[index]?.active === true));
  const byEmail = new Map<string, string | null>();
  for (const entry of entries) {
    if (entry.kind !== 'email' || byEmail.has(entry.key)) continue;
    byEmail.set(entry.key, await profiles.activeUserIdWithEmail(entry.key));
  }
  return entries.map((entry): AddUsersEntry => {
    if (entry.kind === 'invalid') {
      return {
        input: entry.input,
        line: entry.line,
        userId: null,
        problem: 'INVALID',
        message: entry.message,
      };
    }
    const userId =
      entry.kind === 'email'
        ? (byEmail.get(entry.key) ?? null)
        : activeById.get(entry.key)
          ? entry.key
          : null;
    return userId === null
      ? { input: entry.input, line: entry.line, userId: null, problem: 'NOT_FOUND' }
      : { input: entry.input, line: entry.line, userId, problem: null };
  });
}
