import { csvCell } from '../../src/history/export-format';

describe('CSV cells', () => {
  it.each(['=SUM(A1)', '+1', '-42', '@cmd', '\tx', '\rx'])(
    'escapes %j, which a spreadsheet would run',
    (text) => {
      expect(csvCell(text).replace(/^"|"$/g, '').startsWith("'")).toBe(true);
    },
  );

  it('quotes separators, quotes and line breaks, and leaves plain text alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('alice')).toBe('alice');
    expect(csvCell(null)).toBe('');
    expect(csvCell(12)).toBe('12');
  });
});
