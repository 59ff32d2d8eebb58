import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * `npm run bench:write-client-ceiling`: how many mutations per second the shared side-by-side
 * harness's write client (50 loops of `fetch` + `response.json()`, one process) can send at all,
 * against a bare `node:http` server in a process of its own that answers at once; then raw
 * better-sqlite3 exactly as the harness measures it, in the same run. The project's durable writes
 * cannot be measured above the first figure with that client on this machine.
 */
const SECONDS = 8;
const CONNS = 50;
const PORT = 4807;
const ANSWER = JSON.stringify({ data: { setUserRoles: { profile: { userId: 'user00001' } } } });
const SET = 'mutation($i:SetUserRolesInput!){ setUserRoles(input:$i){ profile { userId } } }';

function serveBareAnswers(): void {
  createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(ANSWER);
    });
  }).listen(PORT, '127.0.0.1');
}

/** The harness's write loop, verbatim in what it does per request. */
async function harnessWriteClient(): Promise<{ perSecond: number; cpuPercent: number }> {
  const url = `http://127.0.0.1:${PORT}/graphql`;
  const gql = async (variables: unknown) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: JSON.stringify({ query: SET, variables }),
    });
    const json = (await response.json()) as { errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
  };
  let acked = 0;
  const end = Date.now() + SECONDS * 1000;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONNS }, async (_, c) => {
      let flip = false;
      while (Date.now() < end) {
        flip = !flip;
        const role = flip ? 'SMART_ACCOUNT_USER' : 'SMART_ACCOUNT_VIEWER';
        await gql({ i: { accountId: `a${c}`, userId: `user${c}`, roles: [{ role }] } });
        acked++;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { perSecond: acked / SECONDS, cpuPercent: ((used.user + used.system) / 1e6 / SECONDS) * 100 };
}

/** The harness's raw figure: one INSERT per transaction, WAL, synchronous=FULL. */
function rawSqliteTxnsPerSecond(file: string): number {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'create table e (pos integer primary key, stream text, rev integer, id text unique, type text, data text, unique(stream, rev))',
  );
  const insert = db.prepare('insert into e (stream, rev, id, type, data) values (?,?,?,?,?)');
  const data = JSON.stringify({ accountId: 'a', userId: 'u', roles: [{ role: 'SMART_ACCOUNT_VIEWER' }] });
  const n = 3000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++)
    db.transaction(() => insert.run(`s${i % 100}`, Math.floor(i / 100), `id${i}`, 'UserAdded', data))();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  return n / seconds;
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, [...process.execArgv, __filename, 'serve'], { stdio: 'inherit' });
  try {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const client = await harnessWriteClient();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'write-ceiling-'));
    const raw = rawSqliteTxnsPerSecond(path.join(dir, 'raw.sqlite'));
    rmSync(dir, { recursive: true, force: true });
    console.log(
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      `harness write client against a bare server: ${Math.round(client.perSecond)} requests/s ` +
        `(client CPU ${client.cpuPercent.toFixed(0)}% of a core)`,
    );
    console.log(
      `raw better-sqlite3, one INSERT per transaction, WAL, synchronous=FULL: ${Math.round(raw)} txns/s`,
    );
    console.log(
      `the most the harness can show for writes on this machine: ${(client.perSecond / raw).toFixed(2)}× raw`,
    );
  } finally {
    server.kill();
  }
}

if (process.argv[2] === 'serve') serveBareAnswers();
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
