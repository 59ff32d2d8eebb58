import { performance } from 'node:perf_hooks';

/** Milliseconds `fn` took (wall clock). */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export interface Summary {
  runs: number;
  min: number;
  median: number;
  /** Nearest-rank 95th percentile. */
  p95: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  return {
    runs: n,
    min: sorted[0],
    median: n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    p95: sorted[Math.max(0, Math.ceil(0.95 * n) - 1)],
    max: sorted[n - 1],
  };
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times measured; `fn` gets the run's index. */
export async function sample(
  runs: number,
  fn: (run: number) => Promise<unknown>,
  warmup = 0,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeMs(() => fn(i)));
  return samples;
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export interface Row {
  label: string;
  summary: Summary;
  /** Appended after the figures, e.g. a result count. */
  note?: string;
}

/** A fixed-width table: runs, min, median, p95 (when `p95` is set), max. */
export function table(rows: readonly Row[], options: { p95: boolean }): string {
  const labelWidth = Math.max(...rows.map((row) => row.label.length));
  const columns = ['runs', 'min', 'median', ...(options.p95 ? ['p95'] : []), 'max'];
  const cell = (value: string) => value.padStart(9);
  const lines = [`    ${''.padEnd(labelWidth)} ${columns.map(cell).join('')}`];
  for (const { label, summary, note } of rows) {
    const figures = [summary.min, summary.median, ...(options.p95 ? [summary.p95] : []), summary.max];
    lines.push(
      `    ${label.padEnd(labelWidth)} ${cell(String(summary.runs))}${figures.map((ms) => cell(formatMs(ms))).join('')}` +
        (note ? `   ${note}` : ''),
    );
  }
  return lines.join('\n');
}

export const thousands = (value: number): string => value.toLocaleString('en-US');

/** Nearest-rank percentile (`p` from 0 to 1) of samples sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('no samples');
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
