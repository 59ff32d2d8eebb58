import { CSV_MAX_BYTES, MAX_ENTRIES, parseUserEntries, type UserEntry } from '../../src/app/user-entries';
import { DomainError } from '../../src/domain/errors';

/** The entries as (line, kind, key) triples: what the results table would show. */
const rows = (entries: UserEntry[]): [number | null, string, string][] =>
  entries.map((e) => [e.line, e.kind, e.key]);

const fromCsv = (csv: string): UserEntry[] => parseUserEntries({ csv });

/** The DomainError thrown by `run`, so its code, field and message can be checked. */
function errorOf(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, got none');
}

describe('CSV import', () => {
  test('a plain list of emails and user IDs, no header', () => {
    expect(rows(fromCsv('alice@example.com\nbob-42\n'))).toEqual([
      [1, 'email', 'alice@example.com'],
      [2, 'userId', 'bob-42'],
    ]);
  });

  test('a header row is recognised and is not an entry; line numbers still count it', () => {
    for (const header of [
      'email',
      'E-mail',
      'User ID',
      'user_id',
      'USERNAME',
      'login',
      'Id',
      'userid',
      'user',
    ]) {
      expect(rows(fromCsv(`${header}\nalice@example.com`))).toEqual([[2, 'email', 'alice@example.com']]);
    }
  });

  test('a first row that is not a known header is an entry', () => {
    expect(rows(fromCsv('alice\nbob'))).toEqual([
      [1, 'userId', 'alice'],
      [2, 'userId', 'bob'],
    ]);
  });

  test('extra columns are ignored: only the first is the user', () => {
    const entries = fromCsv('Email,Name,Team\nAlice@Example.com,"Smith, Alice",Ops\nbob,Bob,\n');
    expect(rows(entries)).toEqual([
      [2, 'email', 'alice@example.com'],
      [3, 'userId', 'bob'],
    ]);
    expect(entries[0]?.input).toBe('Alice@Example.com');
  });

  test('a UTF-8 BOM (as Excel writes it) does not stick to the header or the first user', () => {
    expect(rows(fromCsv('\uFEFFemail\nalice@example.com'))).toEqual([[2, 'email', 'alice@example.com']]);
    expect(rows(fromCsv('\uFEFFalice@example.com;Alice\n'))).toEqual([[1, 'email', 'alice@example.com']]);
  });

  test('`;` is detected as the delimiter', () => {
    expect(rows(fromCsv('user id;name\nalice;Alice A.\nbob@example.com;Bob, B.\n'))).toEqual([
      [2, 'userId', 'alice'],
      [3, 'email', 'bob@example.com'],
    ]);
  });

  test('a `;` or `,` inside quotes does not decide the delimiter', () => {
    expect(rows(fromCsv('"email";"Name, full"\nalice@example.com;"Smith, Alice"\n'))).toEqual([
      [2, 'email', 'alice@example.com'],
    ]);
    expect(rows(fromCsv('"email","notes; misc"\nalice@example.com,"a; b"\n'))).toEqual([
      [2, 'email', 'alice@example.com'],
    ]);
  });

  test('quoted cells: quoted commas and doubled quotes are read as text', () => {
    const entries = fromCsv('"alice@example.com","Smith, Alice"\n"bob","say ""hi"""\n"o""brien"\n');
    expect(rows(entries)).toEqual([
      [1, 'email', 'alice@example.com'],
      [2, 'userId', 'bob'],
      [3, 'invalid', 'o"brien'],
    ]);
  });

  test('CRLF line endings', () => {
    expect(rows(fromCsv('email\r\nalice@example.com\r\nbob\r\n'))).toEqual([
      [2, 'email', 'alice@example.com'],
      [3, 'userId', 'bob'],
    ]);
  });

  test('blank lines are skipped but counted: the rows after them keep their real line numbers', () => {
    const csv = '\r\nemail\r\n\r\nalice@example.com\r\n   \r\n,,\r\nbob\r\n\r\n\r\n';
    expect(rows(fromCsv(csv))).toEqual([
      [4, 'email', 'alice@example.com'],
      [7, 'userId', 'bob'],
    ]);
  });

  test('a quoted cell spanning lines: the row has the line where it starts, and later rows stay right', () => {
    const csv = 'email,note\r\nalice@example.com,"two\r\nlines"\r\nbob,x\r\n';
    expect(rows(fromCsv(csv))).toEqual([
      [2, 'email', 'alice@example.com'],
      [4, 'userId', 'bob'],
    ]);
  });

  test('invalid rows are reported with their line while the good ones stay, in input order', () => {
    const csv = ['email', 'alice@example.com', 'not an id', 'carol@', ',orphan', 'bob', 'x@y'].join('\n');
    const entries = fromCsv(csv);
    expect(rows(entries)).toEqual([
      [2, 'email', 'alice@example.com'],
      [3, 'invalid', 'not an id'],
      [4, 'invalid', 'carol@'],
      [5, 'invalid', ''],
      [6, 'userId', 'bob'],
      [7, 'invalid', 'x@y'],
    ]);
    expect(entries.filter((e) => e.kind === 'invalid').every((e) => (e.message ?? '') !== '')).toBe(true);
    expect(entries[1]?.message).toBe('not an email address or user ID');
  });

  test('a CSV with no entries (empty, or a header only) is refused', () => {
    for (const csv of ['', '\n\n', 'email\n']) {
      const error = errorOf(() => fromCsv(csv));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions).toEqual({ field: 'csv' });
    }
  });

  test('an unclosed quote: BAD_USER_INPUT on the csv field, naming the line where the row starts', () => {
    const error = errorOf(() => fromCsv('email\nalice@example.com\n\n"bob,Bob\ncarol\n'));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions).toEqual({ field: 'csv', line: 4 });
    expect(error.message).toMatch(/line 4/);
  });

  test('10,000 entries are accepted (a header does not count)', () => {
    const csv = ['email', ...Array.from({ length: MAX_ENTRIES }, (_, i) => `user${i}@example.com`)].join(
      '\n',
    );
    const entries = fromCsv(csv);
    expect(entries).toHaveLength(MAX_ENTRIES);
    expect(entries[MAX_ENTRIES - 1]).toMatchObject({
      line: MAX_ENTRIES + 1,
      key: `user${MAX_ENTRIES - 1}@example.com`,
    });
  });

  test('10,001 entries are refused', () => {
    const csv = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => `user${i}`).join('\n');
    const error = errorOf(() => fromCsv(csv));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions).toEqual({ field: 'csv' });
    expect(error.message).toMatch(/10000/);
  });

  test('too many entries is reported even when the file would fail to parse further on', () => {
    const csv = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => `user${i}`).join('\n') + '\n"unclosed';
    expect(errorOf(() => fromCsv(csv)).extensions).toEqual({ field: 'csv' });
  });

  test('a 6 MB file is refused by its size without being read (it would not even parse)', () => {
    const csv = '"' + 'a'.repeat(6 * 1024 * 1024); // an unclosed quote: parsing it would fail differently
    const error = errorOf(() => fromCsv(csv));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions).toEqual({ field: 'csv' });
    expect(error.message).toMatch(/MB/);
  });

  test('the size limit is in UTF-8 bytes, not characters', () => {
    const twoLess = 'é'.repeat(CSV_MAX_BYTES / 2 - 1); // 2 bytes each: 2 bytes short of the limit
    expect(() => fromCsv(twoLess + 'ab')).not.toThrow(); // exactly 5 MB
    expect(errorOf(() => fromCsv(twoLess + 'éa')).extensions).toEqual({ field: 'csv' }); // one byte over
  });
});

describe('typed-in users', () => {
  test('each string is one entry, with no line; blank and invalid ones are entries too', () => {
    const entries = parseUserEntries({
      users: ['  Alice@Example.COM ', 'bob', '', '   ', 'two words', 'auth0|abc123', 'a@b@c.com'],
    });
    expect(rows(entries)).toEqual([
      [null, 'email', 'alice@example.com'],
      [null, 'userId', 'bob'],
      [null, 'invalid', ''],
      [null, 'invalid', ''],
      [null, 'invalid', 'two words'],
      [null, 'userId', 'auth0|abc123'],
      [null, 'invalid', 'a@b@c.com'],
    ]);
    expect(entries[0]?.input).toBe('  Alice@Example.COM ');
  });

  test('10,000 entries are accepted, 10,001 are refused', () => {
    const users = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => `user${i}`);
    expect(parseUserEntries({ users: users.slice(1) })).toHaveLength(MAX_ENTRIES);
    const error = errorOf(() => parseUserEntries({ users }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions).toEqual({ field: 'users' });
  });

  test('an empty list is refused', () => {
    expect(errorOf(() => parseUserEntries({ users: [] })).extensions).toEqual({ field: 'users' });
  });
});

describe('which entries are users', () => {
  const kindOf = (value: string): string => parseUserEntries({ users: [value] })[0]?.kind ?? 'none';

  test.each([
    ['alice@example.com', 'email'],
    ['first.last+tag@sub.example.co.uk', 'email'],
    ['user.name:with|chars+1-x', 'userId'],
    ['a'.repeat(100), 'userId'],
    ['a'.repeat(101), 'invalid'],
    ['alice@localhost', 'invalid'],
    ['@example.com', 'invalid'],
    ['alice@example..com', 'invalid'],
    ['alice@.example.com', 'invalid'],
    ['Alice <alice@example.com>', 'invalid'],
    ['alice @example.com', 'invalid'],
    [`${'a'.repeat(243)}@example.com`, 'invalid'], // 255 characters
    [`${'a'.repeat(242)}@example.com`, 'email'], // 254 characters
    ['bob smith', 'invalid'],
    ['bob/smith', 'invalid'],
  ])('%s is %s', (value, kind) => {
    expect(kindOf(value)).toBe(kind);
  });
});

describe('users or csv', () => {
  test('both given: BAD_USER_INPUT', () => {
    const error = errorOf(() => parseUserEntries({ users: ['alice'], csv: 'bob' }));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions).toEqual({ field: 'csv' });
  });

  test('neither given: BAD_USER_INPUT', () => {
    for (const input of [{}, { users: null, csv: null }]) {
      const error = errorOf(() => parseUserEntries(input));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions).toEqual({ field: 'users' });
    }
  });
});
