import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/claims';
import { bearerToken } from '../auth/verifier';
import { DomainError, conflict, forbidden } from '../domain/errors';
import { ProgressReporter, type ProgressLine } from '../progress/reporter';
import { logProgressSink } from '../progress/sinks';
import type { Rebuild } from '../readmodel/rebuild';
import type { ReplayProgress } from '../readmodel/scratch-replay';
import type { Verification } from '../readmodel/verify';
import type { ExtraRoute } from '../server/start';

export const VERIFY_PATH = '/admin/read-models/verify';
export const REBUILD_PATH = '/admin/read-models/rebuild';

export type ReplayMode = 'verify' | 'rebuild';

/** What `npm run replay` asks of a running server. */
export interface ReplayOperations {
  verify(onProgress: ReplayProgress): Promise<Verification>;
  rebuild(onProgress: ReplayProgress): Promise<Rebuild>;
  /** Why this process cannot do it now (answered as CONFLICT before anything runs); null: it can. */
  refusal?(mode: ReplayMode): string | null;
}

/** One line of the NDJSON answer: progress lines, then the result or an error. */
export type ReplayAnswerLine =
  | { progress: ProgressLine }
  | { verification: Verification }
  | { rebuild: Rebuild }
  | { errors: Array<{ message: string; extensions: { code: string } }> };

async function authorize(verifier: TokenVerifier, req: IncomingMessage, roles: readonly string[]) {
  const header = req.headers.authorization;
  const token = bearerToken(Array.isArray(header) ? header[0] : header);
  if (token === null) throw new DomainError('UNAUTHENTICATED', 'A bearer token is required');
  const claims = await verifier.verify(token);
  if (!claims.roles.some((role) => roles.includes(role)))
    throw forbidden(`Needs the platform role ${roles.join(' or ')}`);
  return claims;
}

/**
 * `GET /admin/read-models/verify` and `POST /admin/read-models/rebuild`: the server replays the
 * log into scratch space next to its read models (in-process or in Redis). The answer is NDJSON, a
 * progress line at least every 2 s and then the result, so the CLI can show how far it is.
 * Verifying needs the platform role `auditor` or `support`; rebuilding needs `support`.
 * One replay at a time (else CONFLICT).
 */
export function replayRoutes(
  operations: ReplayOperations,
  verifier: TokenVerifier,
  logger: Logger,
): ExtraRoute[] {
  let running: string | null = null;

  const route = (
    method: 'GET' | 'POST',
    path: string,
    mode: ReplayMode,
    roles: readonly string[],
    run: (onProgress: ReplayProgress) => Promise<ReplayAnswerLine>,
  ): ExtraRoute => ({
    method,
    pattern: new RegExp(`^${path}$`),
    name: path,
    async handle(req: IncomingMessage, res: ServerResponse) {
      const task = `replay --${mode}`;
      const claims = await authorize(verifier, req, roles);
      if (running !== null)
        throw conflict(`A replay (${running}) is running already; try again when it is done`);
      const refusal = operations.refusal?.(mode) ?? null;
      if (refusal !== null) throw conflict(refusal);
      running = task;
      res.writeHead(200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'cache-control': 'no-store',
      });
      const send = (line: ReplayAnswerLine): void => {
        res.write(`${JSON.stringify(line)}\n`);
      };
      const log = logProgressSink(logger.child({ task, requestedBy: claims.sub }));
      const progress = new ProgressReporter({
        task,
        sink: (line) => {
          log(line);
          send({ progress: line });
        },
      });
      try {
        const result = await run((events, fraction) => progress.advance(events, fraction));
        progress.finish();
        send(result);
      } catch (error) {
        progress.stop();
        logger.error({ err: error, task }, 'replay failed');
        send({ errors: [{ message: `${task} failed`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      } finally {
        running = null;
        res.end();
      }
    },
  });

  return [
    route('GET', VERIFY_PATH, 'verify', ['auditor', 'support'], async (onProgress) => ({
      verification: await operations.verify(onProgress),
    })),
    route('POST', REBUILD_PATH, 'rebuild', ['support'], async (onProgress) => ({
      rebuild: await operations.rebuild(onProgress),
    })),
  ];
}
