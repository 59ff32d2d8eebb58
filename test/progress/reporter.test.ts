import { ProgressReporter, type EveryFn, type ProgressLine } from '../../src/progress/reporter';
import { formatProgressLine } from '../../src/progress/sinks';

/** A clock the test moves and a heartbeat the test fires. */
function harness() {
  let now = 1_000_000;
  let beat: (() => void) | null = null;
  let stopped = false;
  const every: EveryFn = (_ms, tick) => {
    beat = tick;
    return () => {
      stopped = true;
    };
  };
  const lines: ProgressLine[] = [];
  const reporter = new ProgressReporter({
    task: 'replay',
    sink: (line) => lines.push(line),
    clock: () => now,
    every,
  });
  return {
    reporter,
    lines,
    tick(ms: number) {
      now += ms;
    },
    heartbeat() {
      beat?.();
    },
    heartbeatStopped: () => stopped,
  };
}

describe('progress reporter', () => {
  test('reports done, rate and ETA once the interval has passed, not more often', () => {
    const h = harness();
    h.reporter.advance(1000, 0.1);
    h.tick(1999);
    h.reporter.advance(1000, 0.2);
    expect(h.lines).toEqual([]);
    h.tick(1);
    h.reporter.advance(2000, 0.4);
    // 4,000 events in 2 s, 40% of the log: 2,000 events/s and 3 s to go.
    expect(h.lines).toEqual([
      expect.objectContaining({
        task: 'replay',
        done: 4000,
        fraction: 0.4,
        ratePerSecond: 2000,
        finished: false,
      }),
    ]);
    expect(h.lines[0].etaSeconds).toBeCloseTo(3);
    h.tick(500);
    h.reporter.advance(100, 0.41);
    expect(h.lines).toHaveLength(1);
  });

  test('a stalled run still reports on every heartbeat past the interval', () => {
    const h = harness();
    h.reporter.advance(10);
    h.heartbeat();
    expect(h.lines).toHaveLength(0);
    h.tick(2000);
    h.heartbeat();
    h.tick(2000);
    h.heartbeat();
    expect(h.lines.map((line) => line.done)).toEqual([10, 10]);
    expect(h.lines[1].ratePerSecond).toBeCloseTo(2.5);
    // The end is unknown: no ETA.
    expect(h.lines[1].etaSeconds).toBeNull();
  });

  test('finish gives one final line and stops the reports', () => {
    const h = harness();
    h.reporter.advance(300, 0.5);
    h.tick(3000);
    const last = h.reporter.finish();
    expect(last).toMatchObject({ done: 300, fraction: 1, etaSeconds: 0, finished: true, elapsedSeconds: 3 });
    expect(h.lines).toEqual([last]);
    expect(h.heartbeatStopped()).toBe(true);
    h.tick(5000);
    h.reporter.advance(1);
    h.heartbeat();
    expect(h.lines).toHaveLength(1);
  });

  test('stop ends the reports without a final line (the work failed)', () => {
    const h = harness();
    h.reporter.advance(5);
    h.reporter.stop();
    h.tick(5000);
    h.heartbeat();
    h.reporter.advance(1);
    expect(h.lines).toEqual([]);
    expect(h.heartbeatStopped()).toBe(true);
  });

  test('the text line a command-line tool prints', () => {
    const h = harness();
    h.reporter.advance(61_000, 0.5);
    h.tick(5000);
    h.reporter.advance(0);
    expect(formatProgressLine(h.lines[0])).toBe('replay: 61,000 events (50%), 12,200 events/s, ETA 5.0 s');
    expect(formatProgressLine(h.reporter.finish())).toBe(
      'replay: done, 61,000 events in 5.0 s (12,200 events/s)',
    );
  });
});
