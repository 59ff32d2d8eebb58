import pino, { type Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { allProjections } from '../../projections';
import { accessRequestQueries } from '../../projections/access-requests';
import { accountQueries } from '../../projections/accounts';
import { directoryProjection } from '../../projections/directory';
import { profileQueries } from '../../projections/profiles';
import { cachedTokenVerifier } from '../auth/cached-verifier';
import { createTokenVerifier } from '../auth/verifier';
import { startEmailDelivery } from '../email/email-delivery';
import { buildGraphQLSchema } from '../graphql/schema';
import { AccountHistory } from '../history/account-history';
import { openRedisRuntime } from '../cluster/redis-runtime';
import type { EventStore } from '../eventstore/port';
import type { ReadModelStore } from '../readmodel/port';
import type { ProjectionProgress } from '../readmodel/progress';
import { correlationIdOf } from '../server/correlation';
import { startServer, type RunningServer } from '../server/start';
import { accountDecider, accountStreamId } from '../domain/account';
import { profileDecider, profileStreamId } from '../domain/profile/decider';
import { AccountAccess } from './account-access';
import { accountCommandRunner, createSmartAccount } from './account-commands';
import { AccessRequestCommands } from './access-requests';
import { AppendHealth, dataFolderProbe } from './append-health';
import type { AppApi, Queries } from './api';
import { commandMetadata } from './caller';
import { CommandRunner } from './command-runner';
import type { Config } from './config';
import { openEventStore } from './event-store';
import { historyExportRoutes } from './history-export';
import { PendingReactions } from './pending-reactions';
import { ProfileRegistration } from './profile-registration';
import {
  countProjectedEvents,
  restoreReadModels,
  saveReadModels,
  snapshotFile,
} from './read-model-snapshots';
import { SNAPSHOT_MIN_EVENTS } from '../readmodel/snapshot-file';
import { LiveUpdates } from './live-updates';
import { inProcessRuntime, type ReadModelRuntime } from './read-model-runtime';
import { startReactor } from './reactors/reactor';
import { revokeGrantsOfDeletedGroups } from './reactors/revoke-grants-of-deleted-groups';
import { replayRoutes } from './replay-routes';
import { RequestContextFactory } from './request-context';
import { resolveUserEntries } from './resolve-user-entries';
import { kurrentDbFailure } from './startup-failure';
import { startProjectorWithProgress } from './startup-replay';

export interface RunningApp extends RunningServer {
  api: AppApi;
  runner: CommandRunner;
  readModels: ReadModelStore;
  projector: ProjectionProgress;
  live: LiveUpdates;
  clock: () => Date;
}

export interface AppOptions {
  logger?: Logger;
  now?: () => Date;
}

/**
 * With Redis, how often a history follower reads its stream without a notice: notices cross
 * processes over pub/sub and the commit feed, which can miss some (a Redis that restarted empty).
 */
const HISTORY_RECHECK_MS = 5000;

/** Wires the application from plain parts: stores, projections, commands, queries, reactions. */
function wire(
  config: Config,
  logger: Logger,
  clock: () => Date,
  events: EventStore,
  runtime: ReadModelRuntime,
) {
  const readModels = runtime.reads;
  const projector = runtime.progress;
  const runner = new CommandRunner(runtime.commands, projector, logger);
  const queries: Queries = {
    accounts: accountQueries(readModels),
    accessRequests: accessRequestQueries(readModels),
    profiles: profileQueries(readModels),
  };
  const access = new AccountAccess(runner, queries.accounts, queries.accessRequests);
  const runAccountCommand = accountCommandRunner(runner, access, clock);
  const live = new LiveUpdates(projector);
  const history = new AccountHistory(events, {
    clock,
    // Every commit, also those another process projected (their notices come over Redis).
    live: (listener) => projector.onCommitted((_projection, committed) => listener(committed)),
    recheckMs: config.redisUrl === null ? null : HISTORY_RECHECK_MS,
  });
  const api: AppApi = {
    runAccountCommand,
    createSmartAccount: (caller, input) => createSmartAccount(runner, clock, caller, input),
    updateMyProfile: async (caller, input) => {
      const { userId } = caller.actor;
      await runner.execute(profileDecider, profileStreamId(userId), {
        type: 'UpdateProfile',
        data: { userId, name: input.name, company: input.company },
        metadata: commandMetadata(caller, clock),
      });
    },
    accessRequests: new AccessRequestCommands({
      runner,
      runAccountCommand,
      access,
      requests: queries.accessRequests,
      reminderIntervalSeconds: config.accessReminderIntervalSeconds,
      rateLimiter: runtime.rateLimiter,
    }),
    resolveUserEntries: (entries) => resolveUserEntries(queries.profiles, entries),
    access,
    queries,
    live,
    history,
    reminderIntervalSeconds: config.accessReminderIntervalSeconds,
  };
  // Tracked so that no read-model snapshot skips a reaction that has not succeeded.
  const reactions = new PendingReactions();
  // Before the replay, so a revocation a crash interrupted is made up for at the next start.
  startReactor(
    reactions.watch(revokeGrantsOfDeletedGroups(queries.accessRequests, directoryProjection.name)),
    projector,
    ({ accountId, command }) =>
      reactions.track(runner.execute(accountDecider, accountStreamId(accountId), command)),
    logger,
  );
  return { readModels, projector, runner, live, api, reactions };
}

/** Read models in this process, or in Redis with REDIS_URL. */
async function openRuntime(config: Config, events: EventStore, logger: Logger): Promise<ReadModelRuntime> {
  const { redisUrl } = config;
  try {
    return redisUrl === null
      ? inProcessRuntime(events, logger)
      : await openRedisRuntime({ ...config, redisUrl }, events, logger);
  } catch (error) {
    await events.close();
    throw error;
  }
}

/** Opens the stores, replays the projections, and serves HTTP + WebSocket. */
export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const clock = options.now ?? (() => new Date());
  const appendHealth = new AppendHealth(
    config.eventStore === 'sqlite' ? dataFolderProbe(config.dataDir) : null,
  );
  const events = appendHealth.track(openEventStore(config));
  const runtime = await openRuntime(config, events, logger);
  const { readModels, projector, runner, live, api, reactions } = wire(
    config,
    logger,
    clock,
    events,
    runtime,
  );
  // In-process read models only: Redis keeps its own.
  const memory = runtime.memory;
  const snapshot = snapshotFile(config.dataDir);
  const projectedThisRun = countProjectedEvents(projector, allProjections[0].name);
  try {
    if (memory) await restoreReadModels(snapshot, events, memory, allProjections, logger);
    await startProjectorWithProgress(events, projector, logger, 10 * 60_000);
  } catch (error) {
    await projector.stop();
    await runtime.close();
    await events.close();
    throw config.eventStore === 'kurrentdb'
      ? kurrentDbFailure(config.kurrentConnectionString ?? '', error)
      : error;
  }

  const verifier = cachedTokenVerifier(createTokenVerifier(config.auth, config.dataDir, logger));
  const contexts = new RequestContextFactory(api, verifier, new ProfileRegistration(runner, clock));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const email = await startEmailDelivery({ config, events, logger, registry });

  // A projector-only process serves health, readiness, metrics and the replay routes: no API.
  const serveApi = config.role !== 'projector';
  const server = await startServer({
    serveGraphQL: serveApi,
    schema: buildGraphQLSchema(),
    host: config.host,
    port: config.port,
    production: config.production,
    logger,
    registry,
    httpContext: (req) => contexts.forHttp(req, correlationIdOf(req)),
    wsContext: (params, req) => contexts.forWebSocket(params, correlationIdOf(req)),
    callerOf: (context) => context.user?.claims.sub ?? null,
    routes: [
      ...replayRoutes(runtime.replay, verifier, logger),
      ...(serveApi ? historyExportRoutes(contexts, api, logger) : []),
    ],
    limits: config.limits,
    allowedOrigins: config.allowedOrigins,
    readiness: async () => {
      const [readModels, appends] = await Promise.all([runtime.readiness(), appendHealth.check()]);
      return {
        ready: readModels.ready && appends.ok,
        details: {
          ...readModels.details,
          ...(appends.ok ? {} : { eventStore: `appends failing (${appends.reason})` }),
        },
      };
    },
    onClose: async () => {
      await projector.stop();
      // In-process read models only (Redis keeps its own), and only when every reaction is done:
      // their events before the snapshot are not replayed again.
      if (memory && projectedThisRun() < SNAPSHOT_MIN_EVENTS) {
        logger.debug('fewer events projected than a snapshot is worth: none written');
      } else if (memory && (await reactions.allSucceeded())) {
        await saveReadModels(snapshot, events, memory, logger);
      } else if (memory)
        logger.warn(
          'a reaction failed or is pending: no read-model snapshot; the next start replays the whole log',
        );
      await email.stop();
      await events.close();
      await runtime.close();
    },
  });
  logger.info(
    {
      url: server.url,
      eventStore: config.eventStore,
      readModels: config.redisUrl === null ? 'in-process' : 'redis',
      role: config.role,
    },
    'server listening',
  );
  return { ...server, api, runner, readModels, projector, live, clock };
}
