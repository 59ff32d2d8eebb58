import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../app/config';
import { REBUILD_PATH, VERIFY_PATH, type ReplayAnswerLine } from '../app/replay-routes';
import { stderrProgressSink } from '../progress/sinks';
import { IDP_TOKENS_ONLY, issueLocalToken } from './local-token';
import { rebuildReport, verificationReport } from './replay-report';

/**
 * `npm run replay -- --verify | --rebuild [--url URL] [--token TOKEN]`. The read models live in
 * the memory of the running server (or in Redis, behind the servers' leases), so the CLI asks a
 * server to replay the log into scratch space next to them (`/admin/read-models/…`) and prints
 * its progress and result. With Redis any process verifies; only the one running every
 * projection rebuilds (the others answer CONFLICT).
 * Exit codes: 0 equal (or rebuilt), 1 the read models differ, 2 it could not be done.
 */
const USAGE = 'usage: npm run replay -- --verify | --rebuild [--url http://127.0.0.1:4000] [--token TOKEN]';

class UsageError extends Error {}

type Mode = 'verify' | 'rebuild';

function parse(argv: string[]): { mode: Mode; url: string | undefined; token: string | undefined } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        verify: { type: 'boolean' },
        rebuild: { type: 'boolean' },
        url: { type: 'string' },
        token: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (Boolean(values.verify) === Boolean(values.rebuild))
    throw new UsageError('give either --verify or --rebuild');
  return { mode: values.verify ? 'verify' : 'rebuild', url: values.url, token: values.token };
}

/** The server this configuration starts (`npm start` with the same environment). */
function defaultBaseUrl(config: Config): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** Verifying needs `auditor`, rebuilding `support`: the token this CLI signs carries just that. */
async function tokenFor(mode: Mode, config: Config, given: string | undefined): Promise<string> {
  const token =
    given ??
    (process.env.REPLAY_TOKEN?.trim() || undefined) ??
    (await issueLocalToken(
      config,
      {
        sub: 'replay-cli',
        email: 'replay-cli@localhost',
        name: 'npm run replay',
        roles: [mode === 'verify' ? 'auditor' : 'support'],
      },
      300,
    ));
  if (!token) throw new UsageError(`${IDP_TOKENS_ONLY} Pass one with --token or REPLAY_TOKEN.`);
  return token;
}

async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
    }
  }
  if (pending.trim() !== '') yield pending;
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as ReplayAnswerLine;
    if ('errors' in body) return `${body.errors[0].extensions.code}: ${body.errors[0].message}`;
  } catch {
    // Not ours: fall through to the status.
  }
  return `HTTP ${response.status}`;
}

async function main(): Promise<number> {
  const request = parse(process.argv.slice(2));
  const config = loadConfig();
  const base = (request.url ?? defaultBaseUrl(config)).replace(/\/(graphql)?\/?$/, '');
  const token = await tokenFor(request.mode, config, request.token);
  const endpoint = `${base}${request.mode === 'verify' ? VERIFY_PATH : REBUILD_PATH}`;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: request.mode === 'verify' ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
  } catch {
    process.stderr.write(`replay: no server answers at ${base}; start it (npm start) or pass --url\n`);
    return 2;
  }
  if (response.status !== 200 || response.body === null) {
    process.stderr.write(`replay: the server at ${base} refused: ${await errorMessage(response)}\n`);
    return 2;
  }
  const progress = stderrProgressSink();
  for await (const line of lines(response.body)) {
    const answer = JSON.parse(line) as ReplayAnswerLine;
    if ('progress' in answer) progress(answer.progress);
    else if ('verification' in answer) {
      process.stdout.write(verificationReport(answer.verification));
      return answer.verification.equal ? 0 : 1;
    } else if ('rebuild' in answer) {
      process.stdout.write(rebuildReport(answer.rebuild));
      return 0;
    } else {
      process.stderr.write(`replay: ${answer.errors[0].message} (see the server's log)\n`);
      return 2;
    }
  }
  process.stderr.write('replay: the server ended the answer without a result (see its log)\n');
  return 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError ? `\n${USAGE}` : '';
    process.stderr.write(`replay: ${error instanceof Error ? error.message : String(error)}${usage}\n`);
    process.exitCode = 2;
  },
);
