/** One progress report: how far a long piece of work is, how fast it goes, when it should end. */
export interface ProgressLine {
  /** What is being done, e.g. `start-up replay`. */
  task: string;
  /** Units done so far (events). */
  done: number;
  unit: string;
  /** 0..1 when the end is known, else null. */
  fraction: number | null;
  /** Units per second since the work started. */
  ratePerSecond: number;
  /** Seconds left at the current rate; null when the end is unknown or nothing is done yet. */
  etaSeconds: number | null;
  elapsedSeconds: number;
  /** The last line of the work. */
  finished: boolean;
}

export type ProgressSink = (line: ProgressLine) => void;

/** Calls `tick` every `ms` until the returned function is called. */
export type EveryFn = (ms: number, tick: () => void) => () => void;

export const realEvery: EveryFn = (ms, tick) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export interface ProgressOptions {
  task: string;
  sink: ProgressSink;
  unit?: string;
  /** Milliseconds; injected in tests. */
  clock?: () => number;
  /** At most this long between lines while the work runs. */
  intervalMs?: number;
  /** The heartbeat that reports a stalled run; injected in tests. */
  every?: EveryFn;
}

export const PROGRESS_INTERVAL_MS = 2000;

/**
 * Reports progress at least every `intervalMs` until `finish()`. A line is due when `advance`
 * sees the interval has passed (a replay that keeps the event loop busy never lets a timer fire)
 * or when the heartbeat fires (work that stalls still reports). Work shorter than the interval
 * gives only the final line.
 */
export class ProgressReporter {
  private readonly clock: () => number;
  private readonly intervalMs: number;
  private readonly started: number;
  private lastLineAt: number;
  private done = 0;
  private fraction: number | null = null;
  private stopHeartbeat: (() => void) | null;

  constructor(private readonly options: ProgressOptions) {
    this.clock = options.clock ?? Date.now;
    this.intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS;
    this.started = this.clock();
    this.lastLineAt = this.started;
    this.stopHeartbeat = (options.every ?? realEvery)(this.intervalMs, () => this.reportIfDue());
  }

  /** `count` more units done; `fraction` (0..1) of the whole when known. */
  advance(count: number, fraction?: number | null): void {
    this.done += count;
    if (fraction !== undefined && fraction !== null) this.fraction = Math.min(1, Math.max(0, fraction));
    this.reportIfDue();
  }

  /** Ends the reports with a final line (and nothing after it). */
  finish(): ProgressLine {
    this.stop();
    if (this.fraction !== null) this.fraction = 1;
    const line = this.line(this.clock(), true);
    this.options.sink(line);
    return line;
  }

  /** Ends the reports without a final line (the work failed). */
  stop(): void {
    this.stopHeartbeat?.();
    this.stopHeartbeat = null;
  }

  private reportIfDue(): void {
    if (this.stopHeartbeat === null) return;
    const now = this.clock();
    if (now - this.lastLineAt < this.intervalMs) return;
    this.lastLineAt = now;
    this.options.sink(this.line(now, false));
  }

  private line(now: number, finished: boolean): ProgressLine {
    const elapsedSeconds = Math.max(0, now - this.started) / 1000;
    const ratePerSecond = elapsedSeconds > 0 ? this.done / elapsedSeconds : 0;
    let etaSeconds: number | null = null;
    if (finished) etaSeconds = 0;
    else if (this.fraction !== null && this.fraction > 0)
      etaSeconds = (elapsedSeconds * (1 - this.fraction)) / this.fraction;
    return {
      task: this.options.task,
      done: this.done,
      unit: this.options.unit ?? 'events',
      fraction: this.fraction,
      ratePerSecond,
      etaSeconds,
      elapsedSeconds,
      finished,
    };
  }
}
