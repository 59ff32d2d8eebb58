import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import pino from 'pino';
import { startApp } from '../src/app/app';
import { openEventStore } from '../src/app/event-store';
import { issueToken } from '../src/auth/issue';
import { appendLongHistory, LONG_HISTORY_ADMIN } from '../test/support/long-history';
import { GraphQLClient } from './client';
import { formatMs, sample, summarize, table, thousands, timeMs } from './stats';
import { benchConfig } from './bench-config';
import { BENCH_SECRET } from './secret';

const EVENTS = 100_000;
const USERS = 2000;
const GROUPS = 50;
const RUNS = 20;

const AS_OF = `query ($id: ID!, $at: DateTime) {
  smartAccountAsOf(accountId: $id, at: $at) {
    revision users { userId directRoles { role } effectiveRoles { role virtualAccount { id } viaGroup { id } } groupIds }
    groups { id memberIds }
  }
}`;
const DIFF = `query ($id: ID!, $from: DateTime!, $to: DateTime) {
  smartAccountDiff(accountId: $id, from: $from, to: $to) {
    fromRevision toRevision changes { userId before { role viaGroup { id } } after { role viaGroup { id } } }
  }
}`;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/**
 * Reads the whole export as a client would, keeping nothing; the server's RSS is sampled
 * meanwhile, separately for the first and the second half of the lines (flat memory: the
 * second half needs no more than the first).
 */
async function measureExport(url: string, token: string, expectedLines: number) {
  const rssBefore = process.memoryUsage.rss();
  const peaks = [rssBefore, rssBefore];
  let bytes = 0;
  let lines = 0;
  const sampler = setInterval(() => {
    const half = lines < expectedLines / 2 ? 0 : 1;
    peaks[half] = Math.max(peaks[half], process.memoryUsage.rss());
  }, 20);
  const ms = await timeMs(async () => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200 || response.body === null)
      throw new Error(`export answered ${response.status}`);
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines++;
    }
  });
  clearInterval(sampler);
  return { ms, bytes, lines, rssBefore, peak: Math.max(...peaks), peaks };
}

/**
 * 6. History on a 100,000-event account: as-of and diff over HTTP, and the export's time and
 * the server's peak RSS. The account is appended straight to the event store in batches of
 * 5,000 (the API would take minutes), then a server starts on it.
 */
export async function benchHistory(out: (line?: string) => void): Promise<void> {
  const { dataDir, config } = benchConfig('saas-bench-history-');
  try {
    const accountId = randomUUID();
    const store = openEventStore(config);
    const appendMs = await timeMs(() =>
      appendLongHistory(store, { accountId, events: EVENTS, users: USERS, groups: GROUPS }),
    );
    await store.close();
    out(
      `6. History: one account with ${thousands(EVENTS)} events (${thousands(USERS)} users, ${GROUPS} groups; role, ` +
        `membership and group access changes), appended in batches of 5,000 in ${formatMs(appendMs)}`,
    );
    let started: Awaited<ReturnType<typeof startApp>> | undefined;
    const startMs = await timeMs(async () => {
      started = await startApp(config, { logger: pino({ level: 'silent' }) });
    });
    if (started === undefined) throw new Error('the app did not start');
    const app = started;
    try {
      out(`   the server started and replayed them in ${formatMs(startMs)}`);
      const token = await issueToken(BENCH_SECRET, {
        sub: LONG_HISTORY_ADMIN,
        email: 'admin@bench.example',
        name: 'Admin',
      });
      const client = new GraphQLClient(app.url, token);
      await client.request('{ me { userId } }');
      const time = (revision: number) => new Date(Date.UTC(2025, 0, 1) + revision * 1000).toISOString();
      const middle = time(EVENTS / 2);
      const coldMs = await timeMs(() => client.request(AS_OF, { id: accountId, at: middle }));
      out(
        `   first history query after the start (folds the stream once, keeps a snapshot every 1,000 events): ` +
          formatMs(coldMs),
      );
      const asOf = await sample(RUNS, () => client.request(AS_OF, { id: accountId, at: middle }), 3);
      const diff = await sample(
        RUNS,
        () => client.request(DIFF, { id: accountId, from: time(1000), to: time(EVENTS - 1) }),
        3,
      );
      const { smartAccountDiff } = await client.request<{ smartAccountDiff: { changes: unknown[] } }>(DIFF, {
        id: accountId,
        from: time(1000),
        to: time(EVENTS - 1),
      });
      out(
        table(
          [
            {
              label: `smartAccountAsOf(at: the middle), ${thousands(USERS)} users`,
              summary: summarize(asOf),
            },
            {
              label: 'smartAccountDiff(revision 1,000 → the last)',
              summary: summarize(diff),
              note: `${thousands(smartAccountDiff.changes.length)} users changed`,
            },
          ],
          { p95: true },
        ),
      );
      const base = app.url.replace(/\/graphql$/, '');
      for (const format of ['csv', 'ndjson']) {
        const result = await measureExport(`${base}/accounts/${accountId}/history.${format}`, token, EVENTS);
        out(
          `   export .${format}: ${thousands(result.lines)} lines, ${mb(result.bytes)} in ${formatMs(result.ms)}; ` +
            `server RSS ${mb(result.rssBefore)} before, peak ${mb(result.peak)} during ` +
            `(+${mb(result.peak - result.rssBefore)}; peak in the first half ${mb(result.peaks[0])}, ` +
            `in the second half ${mb(result.peaks[1])})`,
        );
      }
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
