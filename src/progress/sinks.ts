import type { Logger } from 'pino';
import type { ProgressLine, ProgressSink } from './reporter';

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

const duration = (seconds: number): string =>
  seconds < 10
    ? `${seconds.toFixed(1)} s`
    : seconds < 120
      ? `${Math.round(seconds)} s`
      : `${Math.round(seconds / 60)} min`;

/** e.g. `replay: 61,000 events (50%), 12,400 events/s, ETA 4.9 s` or `replay: done, 122,000 events in 9.8 s (12,449 events/s)`. */
export function formatProgressLine(line: ProgressLine): string {
  const rate = `${count(line.ratePerSecond)} ${line.unit}/s`;
  if (line.finished) {
    return `${line.task}: done, ${count(line.done)} ${line.unit} in ${duration(line.elapsedSeconds)} (${rate})`;
  }
  const percent = line.fraction === null ? '' : ` (${Math.floor(line.fraction * 100)}%)`;
  const eta = line.etaSeconds === null ? '' : `, ETA ${duration(line.etaSeconds)}`;
  return `${line.task}: ${count(line.done)} ${line.unit}${percent}, ${rate}${eta}`;
}

/** For command-line tools: one text line per report on stderr (stdout stays for the result). */
export const stderrProgressSink =
  (write: (text: string) => void = (text) => process.stderr.write(text)): ProgressSink =>
  (line) =>
    write(`${formatProgressLine(line)}\n`);

/** For the server: one pino line per report, the figures as fields. */
export const logProgressSink =
  (logger: Logger): ProgressSink =>
  (line) =>
    logger.info({ progress: line }, formatProgressLine(line));
