import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { parseBody, toHeaderMap, writeGraphQLResponse } from '../../src/server/http-adapter';
import { createServerMetrics, outcomeOf } from '../../src/server/metrics';

async function serve(response: HTTPGraphQLResponse): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => void writeGraphQLResponse(res, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('the Node adapter for Apollo', () => {
  it('writes a complete response with its status and headers', async () => {
    const { server, url } = await serve({
      status: 418,
      headers: new HeaderMap([
        ['content-type', 'application/json'],
        ['x-extra', 'yes'],
      ]),
      body: { kind: 'complete', string: '{"data":{}}' },
    });
    try {
      const response = await fetch(url);
      expect(response.status).toBe(418);
      expect(response.headers.get('x-extra')).toBe('yes');
      expect(await response.text()).toBe('{"data":{}}');
    } finally {
      server.close();
    }
  });

  it('writes a chunked response chunk by chunk', async () => {
    async function* chunks(): AsyncGenerator<string> {
      yield '--a\r\n';
      yield '--b\r\n';
    }
    const { server, url } = await serve({
      headers: new HeaderMap([['content-type', 'multipart/mixed; boundary="-"']]),
      body: { kind: 'chunked', asyncIterator: chunks() },
    });
    try {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('--a\r\n--b\r\n');
    } finally {
      server.close();
    }
  });

  it('joins repeated headers into a HeaderMap with lower-case names', () => {
    const map = toHeaderMap({ accept: 'a', 'x-many': ['1', '2'], absent: undefined });
    expect([...map.entries()]).toEqual([
      ['accept', 'a'],
      ['x-many', '1, 2'],
    ]);
  });

  it('parses JSON bodies only for JSON content types', () => {
    expect(parseBody('application/json; charset=utf-8', '{"query":"{a}"}')).toEqual({
      ok: true,
      body: { query: '{a}' },
    });
    expect(parseBody('application/graphql-response+json', '[1]')).toEqual({ ok: true, body: [1] });
    expect(parseBody('text/plain', '{"query":"{a}"}')).toEqual({ ok: true, body: '{"query":"{a}"}' });
    expect(parseBody('application/json', '{')).toEqual({ ok: false });
  });
});

describe('server metrics', () => {
  it('can be created twice on one registry', async () => {
    const registry = new Registry();
    createServerMetrics(registry).countOperation('http', 'ok');
    createServerMetrics(registry).countOperation('http', 'ok');
    expect(await registry.metrics()).toContain('graphql_operations_total{transport="http",outcome="ok"} 2');
  });

  it('names the outcome by the first error code', () => {
    expect(outcomeOf(undefined)).toBe('ok');
    expect(outcomeOf([])).toBe('ok');
    expect(outcomeOf([{ message: 'x', extensions: { code: 'CONFLICT' } }])).toBe('CONFLICT');
    expect(outcomeOf([{ message: 'x', extensions: { code: 'SOMETHING_ELSE' } }])).toBe(
      'INTERNAL_SERVER_ERROR',
    );
  });
});
