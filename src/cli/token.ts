import { parseArgs } from 'node:util';
import { loadConfig } from '../app/config';
import { PLATFORM_ROLES } from '../auth/verifier';
import { IDP_TOKENS_ONLY, issueLocalToken } from './local-token';

const USAGE =
  'usage: npm run token -- <userId> [--email E] [--name N] [--company C] [--roles support,auditor] [--ttl SECONDS]';

class UsageError extends Error {}

function parse(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        company: { type: 'string' },
        roles: { type: 'string' },
        ttl: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0].trim() === '') {
    throw new UsageError('expected exactly one <userId>');
  }
  const sub = positionals[0].trim();
  const roles = (values.roles ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  const unknown = roles.filter((role) => !PLATFORM_ROLES.includes(role));
  if (unknown.length > 0) {
    throw new UsageError(`unknown role(s) ${unknown.join(', ')}; known: ${PLATFORM_ROLES.join(', ')}`);
  }
  const ttl = values.ttl === undefined ? 86400 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new UsageError('--ttl must be a positive integer');
  return {
    claims: {
      sub,
      email: values.email ?? `${sub}@example.com`,
      name: values.name ?? sub,
      ...(values.company !== undefined && { company: values.company }),
      roles,
    },
    ttl,
  };
}

async function main(): Promise<number> {
  let request;
  try {
    request = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  const token = await issueLocalToken(loadConfig(), request.claims, request.ttl);
  if (token === null) {
    process.stderr.write(`${IDP_TOKENS_ONLY}\n`);
    return 2;
  }
  process.stdout.write(`${token}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
