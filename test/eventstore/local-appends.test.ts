import { LocalAppends } from '../../src/eventstore/local-appends';

describe("the SQLite store's memory of its own appends", () => {
  it('tells whether a stream was appended to since a mark', () => {
    const appends = new LocalAppends(10);
    appends.record('a');
    const mark = appends.current;
    expect(appends.appendedSince('a', mark)).toBe(false);
    expect(appends.appendedSince('b', mark)).toBe(false);
    appends.record('b');
    expect(appends.appendedSince('a', mark)).toBe(false);
    expect(appends.appendedSince('b', mark)).toBe(true);
  });

  it('answers "maybe appended" for a stream it had to forget, never "not appended"', () => {
    const appends = new LocalAppends(2);
    const mark = appends.current;
    appends.record('old');
    appends.record('b');
    appends.record('c'); // forgets `old`
    expect(appends.appendedSince('old', mark)).toBe(true);
    // A stream never appended to, asked about from before the forgotten append: maybe.
    expect(appends.appendedSince('never', mark)).toBe(true);
    // ...and from after it: no.
    expect(appends.appendedSince('never', appends.current)).toBe(false);
  });

  it('keeps a stream it is asked about all the time, however many others come and go', () => {
    const appends = new LocalAppends(4);
    appends.record('busy');
    const mark = appends.current;
    for (let i = 0; i < 100; i++) {
      appends.record(`other-${i}`);
      // Forgotten, it would be answered "maybe appended" (others forgotten since the mark).
      expect(appends.appendedSince('busy', mark)).toBe(false);
    }
  });
});
