import type { BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app-harness';
import { chromiumAvailable, launchChromium } from '../support/chromium';
import { startTestServer, type TestServer } from '../server/harness';

const describeWithChromium = chromiumAvailable() ? describe : describe.skip;

/**
 * Browser-side expressions on GraphiQL's editors (CodeMirror 5 instances, by their container's
 * class); strings, since this project's TypeScript has no DOM types.
 */
const editor = (container: string): string =>
  `document.querySelector(${JSON.stringify(`${container} .CodeMirror`)})?.CodeMirror`;
const QUERY = '.graphiql-query-editor';
const RESPONSE = '.graphiql-response';

async function runInIde(page: Page, url: string, token: string, query: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector(`${QUERY} .CodeMirror`);
  await page.fill('#token', token);
  await page.evaluate(`${editor(QUERY)}.setValue(${JSON.stringify(query)})`);
  await page.click('.graphiql-execute-button');
}

/** The response pane's text, once it contains `text`. */
async function responseContaining(page: Page, text: string): Promise<string> {
  await page.waitForFunction(
    `(${editor(RESPONSE)}?.getValue() ?? '').includes(${JSON.stringify(text)})`,
    undefined,
    {
      timeout: 20_000,
    },
  );
  return page.evaluate<string>(`${editor(RESPONSE)}.getValue()`);
}

describeWithChromium('GraphiQL in a browser', () => {
  let browser: { context: BrowserContext; close(): Promise<void> };
  let app: TestApp;
  let server: TestServer;
  /** Hosts (host:port) of every request the pages made. */
  const hosts = new Set<string>();

  beforeAll(async () => {
    [browser, app, server] = await Promise.all([launchChromium(), startTestApp(), startTestServer()]);
    browser.context.on('request', (request) => hosts.add(new URL(request.url()).host));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([browser?.close(), app?.stop(), server?.server.close()]);
  });

  it('runs `{ me { userId } }` with the pasted token and shows the answer', async () => {
    const page = await browser.context.newPage();
    await runInIde(page, app.url, await app.token('alice'), '{ me { userId } }');
    const response = JSON.parse(await responseContaining(page, '"alice"')) as unknown;
    expect(response).toEqual({ data: { me: { userId: 'alice' } } });
    await page.close();
  }, 60_000);

  it('keeps the token in the browser and runs subscriptions over graphql-ws with it', async () => {
    const page = await browser.context.newPage();
    // The test server's subscriptions need the token "good" in connectionParams.authorization.
    await runInIde(page, server.server.url, 'good', 'subscription { countdown(from: 3) }');
    const last = JSON.parse(await responseContaining(page, '"countdown": 1')) as unknown;
    expect(last).toEqual({ data: { countdown: 1 } });
    await page.reload();
    await page.waitForSelector('#token');
    expect(await page.inputValue('#token')).toBe('good');
    await page.close();
  }, 60_000);

  it('loads nothing from any host but the server', () => {
    const servers = [new URL(app.url).host, new URL(server.server.url).host];
    expect([...hosts].filter((host) => !servers.includes(host))).toEqual([]);
    expect(hosts.size).toBeGreaterThan(0);
  });
});
