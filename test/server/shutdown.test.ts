import { postQuery, startTestServer, within, wsClient } from './harness';

describe('graceful close', () => {
  it('finishes an in-flight request, closes WebSockets with 1001 and refuses new connections', async () => {
    const t = await startTestServer();
    const ws = wsClient(t);
    await within(ws.connected, 5000, 'WebSocket connection');

    const slow = postQuery(t, '{ slow }');
    await within(t.fixture.slowStarted, 5000, 'the slow resolver to start');

    const closing = t.server.close();
    expect(t.server.close()).toBe(closing);

    const wsClose = await within(ws.closed, 5000, 'WebSocket close');
    expect(wsClose.code).toBe(1001);

    await expect(fetch(`${t.baseUrl}/healthz`)).rejects.toThrow();
    expect(t.onCloseCalls()).toBe(0);

    t.fixture.releaseSlow();
    const result = await within(slow, 5000, 'the slow response');
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ data: { slow: 'done' } });

    await within(closing, 15_000, 'close()');
    expect(t.onCloseCalls()).toBe(1);
    await ws.client.dispose();
  });

  it('close() on an idle server resolves and calls onClose once', async () => {
    const t = await startTestServer();
    await postQuery(t, '{ hello }');
    await within(t.server.close(), 15_000, 'close()');
    await t.server.close();
    expect(t.onCloseCalls()).toBe(1);
    await expect(fetch(`${t.baseUrl}/healthz`)).rejects.toThrow();
  });
});
