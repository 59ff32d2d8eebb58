import pino, { type Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { allProjections } from '../../projections';
import { createTokenVerifier } from '../auth/verifier';
import { buildGraphQLSchema } from '../graphql/schema';
import { MemoryReadModelStore } from '../readmodel/memory';
import { Projector } from '../readmodel/projector';
import { correlationIdOf } from '../server/correlation';
import { startServer, type RunningServer } from '../server/start';
import { CommandHandler } from './command-handler';
import type { Config } from './config';
import { openEventStore } from './event-store';
import { ProfileRegistration } from './profile-registration';
import { RequestContextFactory } from './request-context';
import { AppServices } from './services';

export interface RunningApp extends RunningServer {
  services: AppServices;
}

export interface AppOptions {
  logger?: Logger;
  now?: () => Date;
}

/**
 * Deleting a group revokes the grants it held in other accounts. Its access there ends with
 * the deletion already (membership is read from the group's own account); the revocation
 * records it in those accounts' histories. Idempotent, so every process may do it, and
 * the replay at start-up does it again for every deleted group (a no-op when done).
 */
function revokeGrantsOfDeletedGroups(services: AppServices, logger: Logger): void {
  services.projector.onCommitted((_projection, events) => {
    for (const event of events) {
      if (event.type !== 'GroupDeleted') continue;
      const { accountId, groupId } = event.data as { accountId: string; groupId: string };
      services.accessRequests
        .revokeGrantsOfDeletedGroup(accountId, groupId)
        .catch((error: unknown) =>
          logger.error({ err: error, groupId }, 'revoking a deleted group’s grants failed'),
        );
    }
  });
}

/** Opens the stores, replays the projections, and serves HTTP + WebSocket. */
export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const events = openEventStore(config);
  const readModels = new MemoryReadModelStore();
  const projector = new Projector(events, readModels, allProjections, logger);
  const services = new AppServices({
    config,
    logger,
    commands: new CommandHandler(events),
    reads: readModels,
    projector,
    now: options.now,
  });
  // Before the replay, so a revocation a crash interrupted is made up for at the next start.
  revokeGrantsOfDeletedGroups(services, logger);
  try {
    await projector.start();
    const head = await events.headPosition();
    if (head !== null) {
      logger.info('replaying the event log into the read models');
      await projector.waitFor(head, 10 * 60_000);
    }
  } catch (error) {
    await projector.stop();
    await events.close();
    throw error;
  }

  const contexts = new RequestContextFactory(
    services,
    createTokenVerifier(config.auth, config.dataDir),
    new ProfileRegistration(services),
  );
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const server = await startServer({
    schema: buildGraphQLSchema(),
    host: config.host,
    port: config.port,
    production: config.production,
    logger,
    registry,
    httpContext: (req) => contexts.forHttp(req, correlationIdOf(req)),
    wsContext: (params, req) => contexts.forWebSocket(params, correlationIdOf(req)),
    readiness: async () => {
      const caughtUp = await projector.caughtUp();
      return {
        ready: caughtUp,
        details: { eventStore: 'reachable', projections: caughtUp ? 'caught up' : 'behind' },
      };
    },
    onClose: async () => {
      await projector.stop();
      await events.close();
      await readModels.close();
    },
  });
  logger.info({ url: server.url, eventStore: config.eventStore }, 'server listening');
  return { ...server, services };
}
