import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import os from 'node:os';
import pino from 'pino';
import { startApp, type RunningApp } from '../src/app/app';
import { type Config } from '../src/app/config';
import { openEventStore } from '../src/app/event-store';
import { snapshotFile } from '../src/app/read-model-snapshots';
import type { AccountEvent } from '../src/domain/account/events';
import { accountStreamId } from '../src/domain/account';
import type { ProfileEvent } from '../src/domain/profile/events';
import { profileStreamId } from '../src/domain/profile/decider';
import type { EventStore, NewEvent } from '../src/eventstore/port';
import { formatMs, thousands, timeMs } from './stats';
import { benchConfig } from './bench-config';

/**
 * `npm run bench:restart [-- EVENTS]`: a log of EVENTS (default 1,000,000) domain events written
 * straight through the event store (profiles, accounts, users added, role changes), then the
 * time a server takes to start on it: a full replay, then from the snapshot written at shutdown.
 */

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const PROFILES = Math.round(TOTAL / 10);
const ACCOUNTS = 20;
const USERS_PER_ACCOUNT = Math.round((TOTAL * 0.4) / ACCOUNTS);
const PER_APPEND = 500;
const AT = '2026-01-01T00:00:00.000Z';
const META = { actorId: 'bench', correlationId: null, causationId: null, supportCaseId: null };

const out = (line = '') => process.stdout.write(`${line}\n`);
const toNew = (event: AccountEvent | ProfileEvent): NewEvent => ({
  eventId: randomUUID(),
  type: event.type,
  occurredAt: AT,
  data: event.data,
  metadata: META,
});
const userId = (i: number) => `user${String(i).padStart(7, '0')}`;

/** Appends the streams' events in pages of PER_APPEND, many streams at once (group commit). */
async function appendAll(store: EventStore, streams: Array<[string, Array<AccountEvent | ProfileEvent>]>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < streams.length) {
        const [streamId, events] = streams[next++];
        for (let from = 0; from < events.length; from += PER_APPEND) {
          const page = events.slice(from, from + PER_APPEND).map(toNew);
          await store.append(streamId, page, from === 0 ? 'no_stream' : from - 1);
        }
      }
    }),
  );
}

function profileStreams(): Array<[string, ProfileEvent[]]> {
  return Array.from({ length: PROFILES }, (_, i) => [
    profileStreamId(userId(i)),
    [
      {
        type: 'ProfileRegistered',
        data: {
          userId: userId(i),
          email: `${userId(i)}@bench.example`,
          name: `User ${i}`,
          company: null,
          registeredAt: AT,
        },
      },
    ],
  ]);
}

function accountStreams(remaining: number): Array<[string, AccountEvent[]]> {
  const perAccountChanges = Math.floor(remaining / ACCOUNTS);
  return Array.from({ length: ACCOUNTS }, (_, a) => {
    const accountId = randomUUID();
    const events: AccountEvent[] = [
      {
        type: 'SmartAccountCreated',
        data: {
          accountId,
          name: `Account ${a}`,
          domainIdentifier: `a${a}.bench.example`,
          createdAt: AT,
          createdBy: userId(0),
        },
      },
      {
        type: 'VirtualAccountCreated',
        data: {
          accountId,
          virtualAccountId: randomUUID(),
          name: 'Default',
          description: null,
          isDefault: true,
          createdAt: AT,
        },
      },
    ];
    for (let u = 0; u < USERS_PER_ACCOUNT; u++) {
      events.push({
        type: 'UserAdded',
        data: {
          accountId,
          userId: userId((a * 7919 + u) % PROFILES),
          roles: [{ role: 'SMART_ACCOUNT_USER', virtualAccountId: null }],
          notify: false,
          addedAt: AT,
          addedBy: userId(0),
        },
      });
    }
    for (let c = 0; c < perAccountChanges; c++) {
      const viewer = c % 2 === 0;
      events.push({
        type: 'UserRolesChanged',
        data: {
          accountId,
          userId: userId((a * 7919 + (c % USERS_PER_ACCOUNT)) % PROFILES),
          roles: [{ role: viewer ? 'SMART_ACCOUNT_VIEWER' : 'SMART_ACCOUNT_USER', virtualAccountId: null }],
          previousRoles: [
            { role: viewer ? 'SMART_ACCOUNT_USER' : 'SMART_ACCOUNT_VIEWER', virtualAccountId: null },
          ],
        },
      });
    }
    return [accountStreamId(accountId), events];
  });
}

/**
 * Starts a server on the config's DATA_DIR twice: with a full replay of the log (any snapshot
 * removed first), then, after the graceful stop wrote one, from the snapshot.
 */
export async function measureRestarts(config: Config, indent = '  '): Promise<void> {
  const logger = pino({ level: 'silent' });
  // CPU time too: on a shared machine it says more than the wall clock.
  const start = async (): Promise<{ app: RunningApp; ms: number; cpuMs: number }> => {
    let app: RunningApp | undefined;
    const cpu = process.cpuUsage();
    const ms = await timeMs(async () => {
      app = await startApp(config, { logger });
    });
    const { user, system } = process.cpuUsage(cpu);
    if (app === undefined) throw new Error('the app did not start');
    return { app, ms, cpuMs: (user + system) / 1000 };
  };
  rmSync(snapshotFile(config.dataDir), { force: true });
  const full = await start();
  const heapMiB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
  const closeMs = await timeMs(() => full.app.close());
  const snapshotMiB = Math.round(statSync(snapshotFile(config.dataDir)).size / 2 ** 20);
  const fromSnapshot = await start();
  await fromSnapshot.app.close();
  out(
    `${indent}start with a full replay:  ${formatMs(full.ms)}, CPU ${formatMs(full.cpuMs)} (heap ${heapMiB} MiB)`,
  );
  out(`${indent}graceful stop, writing the snapshot (${snapshotMiB} MiB): ${formatMs(closeMs)}`);
  out(
    `${indent}start from the snapshot:   ${formatMs(fromSnapshot.ms)}, CPU ${formatMs(fromSnapshot.cpuMs)}`,
  );
}

async function main(): Promise<void> {
  const { dataDir, config } = benchConfig('bench-restart-');
  try {
    const store = openEventStore(config);
    const buildMs = await timeMs(async () => {
      const profiles = profileStreams();
      await appendAll(store, profiles);
      await appendAll(store, accountStreams(TOTAL - PROFILES - ACCOUNTS * (2 + USERS_PER_ACCOUNT)));
    });
    const head = await store.headPosition();
    await store.close();
    out(
      `restart bench: ${thousands(Number(head?.commit ?? 0))} events written through the event store in ${formatMs(buildMs)} (load ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')})`,
    );

    await measureRestarts(config);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
