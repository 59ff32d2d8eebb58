import type { IncomingMessage } from 'node:http';
import { errorDocument } from '../errors';
import { sendJson } from '../http-adapter';
import type { ExtraRoute, Handler } from '../router';
import { IDE_ASSETS, IDE_ASSET_PATH, readIdeAsset } from './assets';
import { IDE_PAGE } from './page';

/** A browser opening the endpoint: a GET that accepts HTML and carries no GraphQL query. */
function wantsIde(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (!(req.headers.accept ?? '').includes('text/html')) return false;
  const search = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  return !search.has('query');
}

/** The GraphQL endpoint, answering browsers with GraphiQL (development only, like Apollo's landing page was). */
export function withIde(graphql: Handler): Handler {
  return async (req, res) => {
    if (!wantsIde(req)) return graphql(req, res);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': String(Buffer.byteLength(IDE_PAGE)),
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : IDE_PAGE);
  };
}

/** GET /ide/<file>: GraphiQL, React and graphql-ws from node_modules. */
export const ideAssetRoute: ExtraRoute = {
  method: 'GET',
  pattern: new RegExp(`^${IDE_ASSET_PATH}([a-z.-]+)$`),
  name: 'ide',
  async handle(_req, res, match) {
    const asset = Object.hasOwn(IDE_ASSETS, match[1]) ? IDE_ASSETS[match[1]] : undefined;
    if (asset === undefined) return sendJson(res, 404, errorDocument('NOT_FOUND', 'Not found'));
    const bytes = await readIdeAsset(asset);
    res.writeHead(200, {
      'content-type': asset.contentType,
      'content-length': String(bytes.length),
      'cache-control': 'public, max-age=3600',
    });
    res.end(bytes);
  },
};
