import { ErrorType, isCommandError } from '@kurrent/kurrentdb-client';

/** A start-up failure that says, in one line, what failed and why; the original is its `cause`. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** A URL or connection string without its user name and password. */
export const withoutCredentials = (url: string): string =>
  url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1');

const codeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function sqliteReason(error: unknown, dataDir: string): string {
  switch (codeOf(error)) {
    case 'EEXIST':
    case 'ENOTDIR':
      return `DATA_DIR ${dataDir} (or a folder above it) is a file, not a folder`;
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `no permission to write in DATA_DIR ${dataDir}`;
    case 'SQLITE_CANTOPEN':
      return 'SQLite cannot open it (is it a folder, or on a missing or read-only disk?)';
    case 'SQLITE_NOTADB':
      return 'it is not a SQLite database';
    default:
      return messageOf(error);
  }
}

/** The embedded event store's file (or its folder) could not be opened. */
export const sqliteOpenFailure = (file: string, dataDir: string, error: unknown): StartupError =>
  new StartupError(`cannot open the event store ${file}: ${sqliteReason(error, dataDir)}`, { cause: error });

/**
 * KurrentDB failing at start-up: its client says only "UnavailableError", so name the server (without
 * credentials) and the likely causes. Other errors are returned as they are.
 */
export function kurrentDbFailure(connectionString: string, error: unknown): unknown {
  if (!(error instanceof Error) || !isCommandError(error)) return error;
  const server = withoutCredentials(connectionString);
  if (error.type === ErrorType.UNAVAILABLE || error.type === ErrorType.DEADLINE_EXCEEDED) {
    return new StartupError(
      `cannot reach KurrentDB at ${server}: ${error.type === ErrorType.UNAVAILABLE ? 'no server answered' : 'it did not answer in time'} (is it running; are the host, port and tls= setting right?)`,
      { cause: error },
    );
  }
  return new StartupError(`KurrentDB at ${server} failed: ${messageOf(error)}`, { cause: error });
}
