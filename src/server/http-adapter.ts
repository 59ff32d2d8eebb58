import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export type BodyResult = { kind: 'ok'; text: string } | { kind: 'too-large' };

/**
 * Reads the request body as UTF-8 up to `limit` bytes. Past the limit it stops reading (the socket is
 * paused, the rest is never buffered) and reports `too-large`; the caller answers and drops the connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8') });
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onAborted = (): void => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

export function toHeaderMap(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    map.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

const isJson = (contentType: string | undefined): boolean =>
  contentType !== undefined && /^application\/(.+\+)?json\s*(;|$)/i.test(contentType);

/**
 * The body handed to Apollo: parsed JSON for a JSON content type, otherwise the raw text (which Apollo
 * refuses: CSRF prevention for simple content types, "invalid Content-Type" for the rest).
 */
export function parseBody(
  contentType: string | undefined,
  text: string,
): { ok: true; body: unknown } | { ok: false } {
  if (!isJson(contentType)) return { ok: true, body: text };
  if (text.trim() === '') return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export async function writeGraphQLResponse(
  res: ServerResponse,
  response: HTTPGraphQLResponse,
): Promise<void> {
  res.statusCode = response.status ?? 200;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  const iterator = response.body.asyncIterator;
  let clientGone = false;
  res.once('close', () => {
    clientGone = true;
    void iterator.return?.();
  });
  for await (const chunk of iterator) {
    if (clientGone) break;
    res.write(chunk);
  }
  res.end();
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}
