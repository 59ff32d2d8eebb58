import { CsvError, parse } from 'csv-parse/sync';
import { ADD_USERS_MAX_ENTRIES } from '../domain/account/add-users';
import { DomainError, badInput } from '../domain/errors';

/**
 * The users of an `addUsers` batch, read from the typed-in list or the CSV file, each classified as an
 * email address, a user ID, or invalid. Only the shape of each entry is judged here; whether a profile
 * exists, or an entry repeats, is for the caller.
 */
export interface UserEntry {
  /** The entry as given: the typed-in string, or the CSV cell (around which whitespace is trimmed). */
  input: string;
  /** 1-based physical line of the CSV row; null for typed-in entries. */
  line: number | null;
  kind: 'email' | 'userId' | 'invalid';
  /** normalized: email lower-cased, userId trimmed */
  key: string;
  /** Why the entry is invalid (only for kind 'invalid'). */
  message?: string;
}

export const CSV_MAX_BYTES = 5 * 1024 * 1024;
/** Entries one addUsers may hold: the domain's bound, checked here before any parsing work. */
export const MAX_ENTRIES = ADD_USERS_MAX_ENTRIES;

export const MESSAGE_EMPTY = 'empty entry';
export const MESSAGE_BAD_EMAIL = 'not a valid email address';
export const MESSAGE_NOT_USER = 'not an email address or user ID';

/**
 * First cells that mark the first CSV row as a header, compared case-insensitively after removing spaces,
 * `_` and `-` (so `E-mail`, `User ID`, `user_id` and `USERNAME` all match).
 */
const HEADER_NAMES: ReadonlySet<string> = new Set([
  'email',
  'emails',
  'emailaddress',
  'mail',
  'user',
  'users',
  'userid',
  'username',
  'login',
  'id',
]);

const EMAIL_MAX_LENGTH = 254;
const USER_ID = /^[A-Za-z0-9._:@|+-]{1,100}$/;
/** Characters no plausible (unquoted) address holds: whitespace, controls, and RFC 5322 specials. */
const EMAIL_FORBIDDEN = /[\s\p{Cc}<>()[\]\\,;:"]/u;

/** Reads and classifies the batch; throws BAD_USER_INPUT for the batch as a whole, never for one entry. */
export function parseUserEntries(input: {
  users?: readonly string[] | null;
  csv?: string | null;
}): UserEntry[] {
  const users = input.users ?? null;
  const csv = input.csv ?? null;
  if (users !== null && csv !== null) {
    throw badInput('Give either a list of users or a CSV file, not both', 'csv');
  }
  if (users !== null) return parseTypedIn(users);
  if (csv !== null) return parseCsv(csv);
  throw badInput('Give the users to add: a list of user IDs or email addresses, or a CSV file', 'users');
}

function parseTypedIn(users: readonly string[]): UserEntry[] {
  if (users.length > MAX_ENTRIES) {
    throw badInput(`At most ${MAX_ENTRIES} users can be added at once; ${users.length} were given`, 'users');
  }
  if (users.length === 0) throw badInput('The list of users is empty', 'users');
  return users.map((user) => classifyEntry(user, null));
}

/** Classifies one entry: a plausible email (when it holds `@`), else a user ID, else invalid. */
export function classifyEntry(input: string, line: number | null): UserEntry {
  const trimmed = input.trim();
  if (trimmed === '') return { input, line, kind: 'invalid', key: trimmed, message: MESSAGE_EMPTY };
  if (trimmed.includes('@')) {
    return isPlausibleEmail(trimmed)
      ? { input, line, kind: 'email', key: trimmed.toLowerCase() }
      : { input, line, kind: 'invalid', key: trimmed, message: MESSAGE_BAD_EMAIL };
  }
  if (USER_ID.test(trimmed)) return { input, line, kind: 'userId', key: trimmed };
  return { input, line, kind: 'invalid', key: trimmed, message: MESSAGE_NOT_USER };
}

/** One `@`, a non-empty local part, a dotted domain of non-empty labels, no spaces, at most 254 characters. */
export function isPlausibleEmail(value: string): boolean {
  if (value.length > EMAIL_MAX_LENGTH || EMAIL_FORBIDDEN.test(value)) return false;
  const parts = value.split('@');
  if (parts.length !== 2) return false;
  const [local, domain] = parts as [string, string];
  if (local === '' || !domain.includes('.')) return false;
  return domain.split('.').every((label) => label !== '');
}

// ---------------------------------------------------------------------------------------------- CSV

const LF = 0x0a;
const CR = 0x0d;
/** What csv-parse's `trim` skips; a line of nothing else is blank. */
const BLANK_BYTES: ReadonlySet<number> = new Set([0x20, 0x09, 0x0c, LF, CR]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Thrown from inside the parser to stop it at the first entry over the limit. */
class TooManyEntries extends Error {}

function parseCsv(csv: string): UserEntry[] {
  const bytes = Buffer.byteLength(csv, 'utf8');
  if (bytes > CSV_MAX_BYTES) {
    throw badInput(`The CSV file is larger than ${CSV_MAX_BYTES / 1024 / 1024} MB (${bytes} bytes)`, 'csv');
  }
  const buffer = Buffer.from(csv, 'utf8');
  const start = buffer.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? UTF8_BOM.length : 0;
  const lines = new LineCounter(buffer);
  const cells: { cell: string; line: number }[] = [];
  let recordsEnd = start; // byte offset just after the last record the parser emitted
  let firstRow = true;

  try {
    parse(buffer, {
      bom: true,
      delimiter: detectDelimiter(csv),
      record_delimiter: ['\r\n', '\n', '\r'],
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      trim: true,
      on_record: (record: string[], info) => {
        const line = lines.lineAt(rowStart(buffer, recordsEnd));
        recordsEnd = info.bytes;
        // A row of empty cells only (`;;`) is as blank as an empty line.
        if (record.every((cell) => cell.trim() === '')) return null;
        const cell = record[0] ?? '';
        if (firstRow) {
          firstRow = false;
          if (isHeader(cell)) return null;
        }
        if (cells.length === MAX_ENTRIES) throw new TooManyEntries();
        cells.push({ cell, line });
        return null;
      },
    });
  } catch (error) {
    if (error instanceof TooManyEntries) {
      throw badInput(`A CSV file may hold at most ${MAX_ENTRIES} users`, 'csv');
    }
    if (error instanceof CsvError) {
      const line = lines.lineAt(rowStart(buffer, recordsEnd));
      throw new DomainError('BAD_USER_INPUT', `The CSV file cannot be read: line ${line}: ${reason(error)}`, {
        field: 'csv',
        line,
      });
    }
    throw error;
  }
  if (cells.length === 0) throw badInput('The CSV file holds no user IDs or email addresses', 'csv');
  return cells.map(({ cell, line }) => classifyEntry(cell, line));
}

function reason(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'unexpected text after a closing quote';
    default:
      return 'not valid CSV';
  }
}

function isHeader(cell: string): boolean {
  return HEADER_NAMES.has(
    cell
      .trim()
      .toLowerCase()
      .replace(/[\s_-]/g, ''),
  );
}

/** Where the next row starts: past the blank lines (and leading blanks) after the previous one. */
function rowStart(buffer: Buffer, from: number): number {
  let at = from;
  while (at < buffer.length && BLANK_BYTES.has(buffer[at] as number)) at++;
  return at;
}

/** 1-based physical line of byte offsets, asked in increasing order; CRLF, LF and a lone CR end a line. */
class LineCounter {
  private at = 0;
  private line = 1;
  constructor(private readonly buffer: Buffer) {}

  lineAt(offset: number): number {
    for (; this.at < offset; this.at++) {
      const byte = this.buffer[this.at];
      if (byte === LF || (byte === CR && this.buffer[this.at + 1] !== LF)) this.line++;
    }
    return this.line;
  }
}

/**
 * `;` or `,`: whichever comes first outside quotes on the first non-blank row (a user ID or an email never
 * holds either, so the first one ends the first cell). `,` when that row has neither.
 */
export function detectDelimiter(csv: string): ',' | ';' {
  let quoting = false;
  let fieldStart = true; // only a quote at the start of a cell (after blanks) opens a quoted cell
  let content = false; // the current line holds more than blanks
  for (let i = csv.charCodeAt(0) === 0xfeff ? 1 : 0; i < csv.length; i++) {
    const ch = csv[i];
    if (quoting) {
      if (ch === '"') {
        if (csv[i + 1] === '"') i++;
        else quoting = false;
      }
      continue;
    }
    if (ch === ',' || ch === ';') return ch;
    if (ch === '\n' || ch === '\r') {
      if (content) return ',';
      fieldStart = true;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\f') continue;
    content = true;
    if (ch === '"' && fieldStart) quoting = true;
    fieldStart = false;
  }
  return ',';
}
