import type { IncomingMessage, ServerResponse } from 'node:http';
import { badInput, DomainError } from '../domain/errors';
import { csvHeader, csvRow, ndjsonLine } from '../history/export-format';
import { parseHistoryFilter } from '../history/filter-input';
import { correlationIdOf } from '../server/correlation';
import type { ExtraRoute } from '../server/router';
import { requireHistoryReader } from './history-access';
import type { RequestContextFactory } from './request-context';
import type { Logger } from 'pino';
import type { AppApi } from './api';

const PARAMETERS = new Set(['types', 'actorId', 'subjectUserId', 'from', 'to', 'newestFirst']);
const PROGRESS_EVERY = 10_000;

const FORMATS = {
  csv: { contentType: 'text/csv; charset=utf-8', header: csvHeader, line: csvRow },
  ndjson: { contentType: 'application/x-ndjson; charset=utf-8', header: () => '', line: ndjsonLine },
} as const;

/** The export's query parameters: the `history` filter; `types` comma-separated or repeated. */
function filterOf(url: URL) {
  for (const name of url.searchParams.keys()) {
    if (!PARAMETERS.has(name))
      throw badInput(`Unknown query parameter ${name.slice(0, 100)}`, name.slice(0, 100));
  }
  const single = (name: string): string | null => {
    const values = url.searchParams.getAll(name);
    if (values.length > 1) throw badInput(`${name} may be given once`, name);
    return values[0] ?? null;
  };
  const types = url.searchParams.getAll('types').flatMap((value) => value.split(',').filter(Boolean));
  const newestFirst = single('newestFirst');
  if (newestFirst !== null && newestFirst !== 'true' && newestFirst !== 'false')
    throw badInput('newestFirst must be true or false', 'newestFirst');
  const filter = parseHistoryFilter(
    {
      types: types.length > 0 ? types : null,
      actorId: single('actorId'),
      subjectUserId: single('subjectUserId'),
      from: single('from'),
      to: single('to'),
    },
    '',
  );
  return { filter, newestFirst: newestFirst === 'true' };
}

/** Resolves when the client has taken what was buffered, or has gone. */
const drainedOrClosed = (res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

/** Writes, waiting while the client's buffer is full; false once the client has gone. */
async function write(res: ServerResponse, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) await drainedOrClosed(res);
  return !res.destroyed;
}

/**
 * `GET /accounts/{id}/history.csv` and `.ndjson`: the account's history, filtered like
 * `history`, explained a chunk at a time and streamed with back-pressure (memory stays flat
 * whatever the history's length). Errors before the first byte are JSON with the contract code.
 */
export function historyExportRoutes(
  contexts: RequestContextFactory,
  app: AppApi,
  logger: Logger,
): ExtraRoute[] {
  const handle = async (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => {
    const format = FORMATS[match[2] as keyof typeof FORMATS];
    let accountId: string;
    try {
      accountId = decodeURIComponent(match[1]);
    } catch {
      throw badInput('The account ID in the path is not valid', 'id');
    }
    const context = await contexts.forHttp(req, correlationIdOf(req));
    if (context.user === null)
      throw new DomainError('UNAUTHENTICATED', 'Sign in: send Authorization: Bearer <token>');
    const { filter, newestFirst } = filterOf(new URL(req.url ?? '/', 'http://localhost'));
    await requireHistoryReader(app.access, context.user.actor, accountId);
    const entries = app.history.export(accountId, filter, newestFirst);
    // Reading starts before the status line: a failing store still answers a JSON error.
    const first = await entries.next();
    res.writeHead(200, {
      'content-type': format.contentType,
      'content-disposition': `attachment; filename="history-${accountId.replace(/[^A-Za-z0-9._-]/g, '_')}.${match[2]}"`,
      'cache-control': 'no-store',
    });
    let written = 0;
    try {
      if (!(await write(res, format.header()))) return;
      for (let item = first; !item.done; item = await entries.next()) {
        if (!(await write(res, format.line(item.value)))) return;
        if (++written % PROGRESS_EVERY === 0) logger.info({ accountId, written }, 'history export progress');
      }
      res.end();
      logger.info({ accountId, written }, 'history export done');
    } finally {
      await entries.return(undefined);
    }
  };
  return [
    {
      method: 'GET',
      pattern: /^\/accounts\/([^/]+)\/history\.(csv|ndjson)$/,
      name: '/accounts/{id}/history',
      handle,
    },
  ];
}
