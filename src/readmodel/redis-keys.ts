import type { Redis } from 'ioredis';

const SCAN_COUNT = 1000;

/** Escapes glob characters so a key prefix matches itself in SCAN MATCH. */
export const globEscape = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Every key starting with `prefix` (SCAN: keys written meanwhile may or may not be included). */
export async function keysStartingWith(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', SCAN_COUNT);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return [...new Set(keys)];
}

/** Deletes every key starting with `prefix`. */
export async function deleteKeysStartingWith(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysStartingWith(redis, prefix);
  for (let i = 0; i < keys.length; i += SCAN_COUNT) await redis.del(...keys.slice(i, i + SCAN_COUNT));
}
