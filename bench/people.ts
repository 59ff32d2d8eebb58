import { CommandHandler } from '../src/app/command-handler';
import { profileDecider, profileStreamId } from '../src/domain/profile/decider';
import type { EventStore } from '../src/eventstore/port';
import { seededRandom } from '../test/support/random';

const FIRST = (
  'Maria James Mark Linda Martin Sofia Noah Emma Liam Olivia Lucas Mia Ethan Ava Mason ' +
  'Isabella Logan Amelia Elijah Harper Oliver Evelyn Aiden Abigail Jacob Emily Daniel Ella ' +
  'Henry Grace Samuel Chloe David Zoe Joseph Nora Carter Lily Owen Hannah'
).split(' ');
const LAST = (
  'Garcia Smith Johnson Williams Brown Jones Miller Davis Rodriguez Martinez Hernandez Lopez ' +
  'Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White ' +
  'Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres ' +
  'Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts'
).split(' ');
const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', null];

export interface BenchPerson {
  userId: string;
  email: string;
  name: string;
  company: string | null;
}

/** `count` people: user IDs `u00001`…, names from 40 first × 50 last names, emails on 10 domains. */
export function benchPeople(count: number): BenchPerson[] {
  const next = seededRandom(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  return Array.from({ length: count }, (_, index) => {
    const n = index + 1;
    const first = pick(FIRST);
    const last = pick(LAST);
    return {
      userId: `u${String(n).padStart(5, '0')}`,
      name: `${first} ${last}`,
      email: `${first}.${last}.${n}@corp${n % 10}.example`.toLowerCase(),
      company: pick(COMPANIES),
    };
  });
}

/**
 * Registers the profiles through the command side, as first sign-ins would (setup, not
 * measured). Runs `concurrency` commands at once; each profile is its own stream.
 */
export async function registerProfiles(
  store: EventStore,
  people: readonly BenchPerson[],
  concurrency = 32,
): Promise<void> {
  // A small cache: every profile stream is written once.
  const commands = new CommandHandler(store, { cacheSize: 1000 });
  const at = new Date().toISOString();
  let next = 0;
  const worker = async () => {
    while (next < people.length) {
      const { userId, email, name, company } = people[next++];
      await commands.execute(profileDecider, profileStreamId(userId), {
        type: 'SyncProfileFromToken',
        data: { userId, claims: { email, name, company } },
        metadata: {
          actor: { userId, platformRoles: [], supportCaseId: null },
          at,
          correlationId: 'bench-setup',
        },
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
