import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm run bench:apollo-ceiling`: Apollo Server's own ceiling for the side-by-side users page
 * (`apollo-ceiling-server.ts`) against the shared harness's peer, rounds interleaved, in one
 * run. Needs the peer that `npm run bench:side-by-side` builds (into the temp folder) once.
 */
const PEER_DIR = path.join(os.tmpdir(), 'side-by-side-peer-v1');
const ROUNDS = 3;
const SECONDS = 8;
const QUERY =
  'query($id:ID!){ smartAccount(id:$id){ users(first:50){ totalCount pageInfo { hasNextPage endCursor } nodes { profile { userId email name } directRoles { role } addedAt } } } }';

interface Result {
  requests: { average: number };
  latency: { p99: number };
}
type Autocannon = (options: Record<string, unknown>) => Promise<Result>;

function start(command: string, args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(command, args, { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  return new Promise((resolve) => setTimeout(() => resolve(child), 4000));
}

async function main(): Promise<void> {
  if (!existsSync(path.join(PEER_DIR, 'dist', 'server.js'))) {
    throw new Error(`no peer in ${PEER_DIR}: run npm run bench:side-by-side once first`);
  }
  const autocannon = createRequire(path.join(PEER_DIR, 'package.json'))('autocannon') as Autocannon;
  const targets = {
    peer: { port: 4806, child: await start('node', [path.join(PEER_DIR, 'dist', 'server.js')], 4806) },
    ceiling: {
      port: 4805,
      child: await start(
        'node',
        ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'apollo-ceiling-server.ts')],
        4805,
      ),
    },
  };
  const body = JSON.stringify({ query: QUERY, variables: { id: 'acct-1' } });
  const rps: Record<string, number[]> = { peer: [], ceiling: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? (['ceiling', 'peer'] as const) : (['peer', 'ceiling'] as const);
      for (const name of order) {
        const result = await autocannon({
          url: `http://127.0.0.1:${targets[name].port}/graphql`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          connections: 50,
          duration: SECONDS,
        });
        rps[name].push(result.requests.average);
        process.stdout.write(
          `round ${round + 1} ${name}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms\n`,
        );
      }
    }
  } finally {
    for (const { child } of Object.values(targets)) child.kill();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ceiling = median(rps.ceiling);
  const peer = median(rps.peer);
  process.stdout.write(
    `median req/s: Apollo ceiling ${Math.round(ceiling)}, peer ${Math.round(peer)}; ceiling/peer ${(ceiling / peer).toFixed(2)}x (load ${os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')})\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
