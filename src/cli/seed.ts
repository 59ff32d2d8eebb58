import { createHash, randomUUID } from 'node:crypto';
import { CommandHandler } from '../app/command-handler';
import { loadConfig, type Config } from '../app/config';
import { openEventStore, sqliteFile } from '../app/event-store';
import {
  DEFAULT_VIRTUAL_ACCOUNT_NAME,
  accountDecider,
  accountStreamId,
  domainReservationDecider,
  domainReservationStreamId,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
  type Role,
  type RoleAssignmentInput,
} from '../domain/account';
import {
  SYSTEM_ACTOR,
  type Actor,
  type Command,
  type CommandMetadata,
  type Decider,
  type DomainEvent,
} from '../domain/decider';
import { profileDecider, profileStreamId } from '../domain/profile/decider';
import type { EventStore } from '../eventstore/port';
import { ProgressReporter } from '../progress/reporter';
import { stderrProgressSink } from '../progress/sinks';

/**
 * `npm run seed`: writes a small demo world (profiles, Smart Accounts, Virtual Accounts, users
 * in various roles) into the configured event store through the command side, then prints
 * how to sign in as each demo person. Safe to run again: what exists is left as it is.
 */

export interface DemoPerson {
  userId: string;
  email: string;
  name: string;
  company: string | null;
  /** An inactive profile is registered, added where it belongs, then deactivated. */
  active: boolean;
}

export interface DemoMember {
  userId: string;
  /** `virtualAccount` names one of the account's Virtual Accounts (VIRTUAL_ACCOUNT_* roles only). */
  roles: ReadonlyArray<{ role: Role; virtualAccount?: string }>;
}

export interface DemoAccount {
  name: string;
  domainIdentifier: string;
  /** Creates the account and becomes its first SMART_ACCOUNT_ADMIN. */
  createdBy: string;
  /** Besides the Default one. */
  virtualAccounts: ReadonlyArray<{ name: string; description: string | null }>;
  /** Added by the creator, in this order. */
  members: readonly DemoMember[];
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { userId: 'alice', email: 'alice@acme.example', name: 'Alice Anders', company: 'Acme Corp', active: true },
  { userId: 'bob', email: 'bob@acme.example', name: 'Bob Brown', company: 'Acme Corp', active: true },
  { userId: 'carol', email: 'carol@acme.example', name: 'Carol Chen', company: 'Acme Corp', active: true },
  { userId: 'dave', email: 'dave@initech.example', name: 'Dave Diaz', company: 'Initech', active: true },
  { userId: 'erin', email: 'erin@globex.example', name: 'Erin Evans', company: 'Globex', active: true },
  {
    userId: 'frank',
    email: 'frank@acme.example',
    name: 'Frank Fischer',
    company: 'Acme Corp',
    active: false,
  },
  // Registered, in no account: for trying "add users" (by user ID or email) and access requests.
  { userId: 'grace', email: 'grace@acme.example', name: 'Grace Green', company: 'Acme Corp', active: true },
  { userId: 'heidi', email: 'heidi@hooli.example', name: 'Heidi Hall', company: 'Hooli', active: true },
  { userId: 'ivan', email: 'ivan@example.org', name: 'Ivan Ivanov', company: null, active: true },
];

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    name: 'Acme Corp',
    domainIdentifier: 'acme.example',
    createdBy: 'alice',
    virtualAccounts: [
      { name: 'Engineering', description: 'Build and test licenses' },
      { name: 'Marketing', description: null },
    ],
    members: [
      { userId: 'bob', roles: [{ role: 'SMART_ACCOUNT_USER' }] },
      { userId: 'carol', roles: [{ role: 'SMART_ACCOUNT_VIEWER' }] },
      { userId: 'dave', roles: [{ role: 'VIRTUAL_ACCOUNT_ADMIN', virtualAccount: 'Engineering' }] },
      {
        userId: 'erin',
        roles: [
          { role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: 'Engineering' },
          { role: 'VIRTUAL_ACCOUNT_VIEWER', virtualAccount: 'Marketing' },
        ],
      },
      { userId: 'frank', roles: [{ role: 'SMART_ACCOUNT_USER' }] },
    ],
  },
  {
    name: 'Globex',
    domainIdentifier: 'globex.example',
    createdBy: 'alice',
    virtualAccounts: [{ name: 'Research', description: 'Lab equipment' }],
    members: [
      { userId: 'erin', roles: [{ role: 'SMART_ACCOUNT_ADMIN' }] },
      { userId: 'bob', roles: [{ role: 'VIRTUAL_ACCOUNT_USER', virtualAccount: 'Research' }] },
      { userId: 'carol', roles: [{ role: 'VIRTUAL_ACCOUNT_ADMIN', virtualAccount: 'Research' }] },
    ],
  },
  {
    name: 'Initech',
    domainIdentifier: 'initech.example',
    createdBy: 'dave',
    virtualAccounts: [{ name: 'Operations', description: null }],
    members: [{ userId: 'carol', roles: [{ role: 'SMART_ACCOUNT_USER' }] }],
  },
];

// ------------------------------------------------------------------------------------------ stable IDs

/** RFC 4122 name-based UUID (version 5, SHA-1). */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** RFC 4122's namespace for domain names. */
const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

/** The same on every run, so a second run finds the account its first one created. */
export const demoAccountId = (domainIdentifier: string): string =>
  uuidV5(DNS_NAMESPACE, domainIdentifier.trim().toLowerCase());

export const demoVirtualAccountId = (accountId: string, name: string): string =>
  uuidV5(accountId, `virtual-account:${name.toLowerCase()}`);

// ------------------------------------------------------------------------------------------ commands

/**
 * Runs an account's seed commands as one decision, so they land in one append that expects
 * no stream: the demo account exists completely or not at all. Each command is decided by
 * `accountDecider` (all its rules apply) on the state the earlier ones leave. An account that
 * exists already is left as it is.
 */
type SeedAccountCommand = Command<'SeedAccount', readonly AccountCommand[]>;

const seedAccountDecider: Decider<SeedAccountCommand, AccountEvent, AccountState> = {
  name: 'smart-account-seed',
  initialState: accountDecider.initialState,
  evolve: accountDecider.evolve,
  decide({ data: commands }, state) {
    if (state.exists) return [];
    // A stream without SmartAccountCreated has no events, so `state` is the initial state;
    // fold on a fresh one, since `evolve` updates in place and `decide` must not.
    let scratch = accountDecider.initialState();
    const events: AccountEvent[] = [];
    for (const command of commands) {
      for (const event of accountDecider.decide(command, scratch)) {
        scratch = accountDecider.evolve(scratch, event);
        events.push(event);
      }
    }
    return events;
  },
};

const actorOf = (userId: string): Actor => ({ userId, platformRoles: [], supportCaseId: null });

function accountCommands(
  account: DemoAccount,
  accountId: string,
  metadata: CommandMetadata,
): AccountCommand[] {
  const vaId = (name: string) => demoVirtualAccountId(accountId, name);
  const roles = (member: DemoMember): RoleAssignmentInput[] =>
    member.roles.map(({ role, virtualAccount }) => ({
      role,
      virtualAccountId: virtualAccount === undefined ? null : vaId(virtualAccount),
    }));
  return [
    {
      type: 'CreateSmartAccount',
      data: {
        accountId,
        name: account.name,
        domainIdentifier: account.domainIdentifier,
        defaultVirtualAccountId: vaId(DEFAULT_VIRTUAL_ACCOUNT_NAME),
      },
      metadata,
    },
    ...account.virtualAccounts.map((va): AccountCommand => ({
      type: 'CreateVirtualAccount',
      data: { virtualAccountId: vaId(va.name), name: va.name, description: va.description },
      metadata,
    })),
    ...account.members.map((member): AccountCommand => ({
      type: 'AddUsers',
      data: {
        entries: [{ input: member.userId, line: null, userId: member.userId, problem: null }],
        roles: roles(member),
        notify: false,
        dryRun: false,
        idempotencyKey: null,
      },
      metadata,
    })),
  ];
}

// ------------------------------------------------------------------------------------------ seeding

export type AccountOutcome = 'created' | 'existing' | 'taken';

export interface SeedReport {
  eventsAppended: number;
  accounts: Array<{ account: DemoAccount; id: string; outcome: AccountOutcome }>;
  profiles: Array<{ person: DemoPerson; outcome: 'created' | 'existing' }>;
}

/** Events appended since the last call, and how much (0..1) of the seeding is done. */
export type SeedProgress = (events: number, fraction: number) => void;

/** Writes the demo world into `store`; appends nothing for what is there already. */
export async function seed(
  store: EventStore,
  now: () => Date = () => new Date(),
  onProgress?: SeedProgress,
): Promise<SeedReport> {
  const commands = new CommandHandler(store);
  const correlationId = `seed-${randomUUID()}`;
  let eventsAppended = 0;
  const inactive = DEMO_PEOPLE.filter((p) => !p.active);
  const steps = DEMO_PEOPLE.length + DEMO_ACCOUNTS.length + inactive.length;
  let stepsDone = 0;
  let eventsReported = 0;
  const stepDone = (): void => {
    stepsDone += 1;
    onProgress?.(eventsAppended - eventsReported, stepsDone / steps);
    eventsReported = eventsAppended;
  };
  const metadata = (actor: Actor): CommandMetadata => ({ actor, at: now().toISOString(), correlationId });
  const run = async <C extends Command, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
  ) => {
    const result = await commands.execute(decider, streamId, command);
    eventsAppended += result.events.length;
    return result;
  };

  // 1. Profiles, as a first sign-in registers them.
  const profiles: SeedReport['profiles'] = [];
  for (const person of DEMO_PEOPLE) {
    const streamId = profileStreamId(person.userId);
    if ((await commands.state(profileDecider, streamId)).state.registered) {
      profiles.push({ person, outcome: 'existing' });
      stepDone();
      continue;
    }
    const claims = { email: person.email, name: person.name, company: person.company };
    await run(profileDecider, streamId, {
      type: 'SyncProfileFromToken',
      data: { userId: person.userId, claims },
      metadata: metadata(actorOf(person.userId)),
    });
    profiles.push({ person, outcome: 'created' });
    stepDone();
  }

  // 2. Accounts, reserving the domain identifier first as createSmartAccount does.
  const accounts: SeedReport['accounts'] = [];
  for (const account of DEMO_ACCOUNTS) {
    const id = demoAccountId(account.domainIdentifier);
    const domainIdentifier = account.domainIdentifier.trim();
    const reservationStream = domainReservationStreamId(domainIdentifier);
    const { state: reservation } = await commands.state(domainReservationDecider, reservationStream);
    if (reservation.reservedBy !== null && reservation.reservedBy !== id) {
      accounts.push({ account, id: reservation.reservedBy, outcome: 'taken' });
      stepDone();
      continue;
    }
    const creator = metadata(actorOf(account.createdBy));
    const seedCommands = accountCommands(account, id, creator);
    // Bad input reserves nothing (a no-op when the account exists: nothing to check then).
    const seedCommand: SeedAccountCommand = { type: 'SeedAccount', data: seedCommands, metadata: creator };
    seedAccountDecider.decide(seedCommand, accountDecider.initialState());
    // A no-op when a run that stopped half-way reserved it already.
    await run(domainReservationDecider, reservationStream, {
      type: 'Reserve',
      data: { accountId: id, domainIdentifier },
      metadata: creator,
    });
    const created = await run(seedAccountDecider, accountStreamId(id), seedCommand);
    accounts.push({ account, id, outcome: created.events.length > 0 ? 'created' : 'existing' });
    stepDone();
  }

  // 3. Deactivations last: the app adds only active profiles to accounts.
  for (const person of inactive) {
    await run(profileDecider, profileStreamId(person.userId), {
      type: 'SetProfileActive',
      data: { userId: person.userId, active: false },
      metadata: metadata(SYSTEM_ACTOR),
    });
    stepDone();
  }

  return { eventsAppended, accounts, profiles };
}

// ------------------------------------------------------------------------------------------ the guide

/** Quotes `value` for a POSIX shell when it needs quoting. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The `npm run token` arguments whose claims match the seeded profile (so signing in changes nothing). */
export function tokenArgs(person: DemoPerson): string[] {
  const args = [person.userId, '--email', person.email, '--name', person.name];
  if (person.company !== null) args.push('--company', person.company);
  return args;
}

function rolesOf(userId: string, report: SeedReport): string[] {
  return report.accounts.flatMap(({ account, outcome }) => {
    if (outcome === 'taken') return [];
    const roles =
      account.createdBy === userId
        ? ['SMART_ACCOUNT_ADMIN']
        : (account.members
            .find((member) => member.userId === userId)
            ?.roles.map((r) => (r.virtualAccount ? `${r.role} on ${r.virtualAccount}` : r.role)) ?? []);
    return roles.length > 0 ? [`${account.name}: ${roles.join(', ')}`] : [];
  });
}

const OUTCOME_TEXT: Record<AccountOutcome, string> = {
  created: 'created',
  existing: 'already there, left as it is',
  taken: 'SKIPPED: another account holds this domain identifier',
};

export function guide(report: SeedReport, config: Config): string {
  const where =
    config.eventStore === 'sqlite'
      ? sqliteFile(config.dataDir)
      : config.eventStore === 'postgres'
        ? 'PostgreSQL'
        : 'KurrentDB';
  const lines: string[] = [
    report.eventsAppended > 0
      ? `Seeded the demo world into ${where}: ${report.eventsAppended} events appended.`
      : `The demo world is already in ${where}: nothing appended.`,
    '',
    'Smart Accounts',
  ];
  const nameWidth = Math.max(...report.accounts.map(({ account }) => account.name.length));
  const domainWidth = Math.max(...report.accounts.map(({ account }) => account.domainIdentifier.length));
  for (const { account, id, outcome } of report.accounts) {
    lines.push(
      `  ${account.name.padEnd(nameWidth)}  ${account.domainIdentifier.padEnd(domainWidth)}  ${id}  ${OUTCOME_TEXT[outcome]}`,
    );
    if (outcome !== 'taken') {
      const vas = [DEFAULT_VIRTUAL_ACCOUNT_NAME, ...account.virtualAccounts.map((va) => va.name)];
      lines.push(`    Virtual Accounts: ${vas.join(', ')}`);
    }
  }
  const tokensFromIdp = config.auth.jwksUrl !== null || config.auth.publicKey !== null;
  lines.push('', 'People (sign in with a token from `npm run token`; its claims match the profile)');
  for (const person of DEMO_PEOPLE) {
    lines.push(`  ${person.userId}: ${person.name} <${person.email}>${person.active ? '' : ' (inactive)'}`);
    const roles = rolesOf(person.userId, report);
    for (const line of roles) lines.push(`    ${line}`);
    if (roles.length === 0 && person.active)
      lines.push('    in no account yet: an administrator can add them');
    if (!person.active)
      lines.push('    an inactive profile: shown in its accounts, cannot be added anywhere');
    else if (!tokensFromIdp)
      lines.push(`    npm run token -- ${tokenArgs(person).map(shellQuote).join(' ')}`);
  }
  if (tokensFromIdp) {
    lines.push('  (AUTH_JWKS_URL / AUTH_PUBLIC_KEY is set: tokens must come from the identity provider)');
  }
  const alice = DEMO_PEOPLE[0];
  const url = `http://${config.host}:${config.port}/graphql`;
  const query =
    '{ mySmartAccounts { id name domainIdentifier virtualAccounts { name } users { totalCount nodes { profile { name } directRoles { role virtualAccount { name } } } } } }';
  lines.push(
    '',
    `Then \`npm start\` (it replays the log; with SQLite a running server picks new events up by itself) and, e.g. as ${alice.userId}:`,
    `  TOKEN=$(npm run -s token -- ${tokenArgs(alice).map(shellQuote).join(' ')})`,
    `  curl -s ${url} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `    -d '${JSON.stringify({ query })}'`,
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<number> {
  const config = loadConfig();
  const store = openEventStore(config);
  const progress = new ProgressReporter({ task: 'seed', sink: stderrProgressSink() });
  try {
    const report = await seed(store, undefined, (events, fraction) => progress.advance(events, fraction));
    progress.finish();
    process.stdout.write(guide(report, config));
    return 0;
  } finally {
    progress.stop();
    await store.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
