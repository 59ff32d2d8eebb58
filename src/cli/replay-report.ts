import type { EntryContent, ReadModelDifference } from '../readmodel/compare';
import type { Rebuild } from '../readmodel/rebuild';
import type { Verification } from '../readmodel/verify';

/** Longest value printed for one side of a difference. */
const MAX_VALUE_CHARS = 300;

function shown(content: EntryContent | null): string {
  if (content === null) return '(missing)';
  const text = JSON.stringify(content);
  return text.length <= MAX_VALUE_CHARS
    ? text
    : `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length.toLocaleString('en-US')} characters)`;
}

const where = (checkpoints: Record<string, string | null>): string =>
  Object.entries(checkpoints)
    .map(([name, position]) => `${name} at ${position ?? 'nothing yet'}`)
    .join(', ');

function difference({ key, kind, expected, actual }: ReadModelDifference): string[] {
  return [
    `  ${key}${kind === 'sortedSet' ? ' (sorted set)' : ''}`,
    `    expected: ${shown(expected)}`,
    `    actual:   ${shown(actual)}`,
  ];
}

/** What `replay --verify` prints on stdout. */
export function verificationReport(result: Verification): string {
  const at = `${where(result.checkpoints)}; log head ${result.head ?? 'empty'}`;
  const keys = `${result.keysCompared.toLocaleString('en-US')} keys`;
  if (result.equal) return `The read models equal a replay of the event log (${keys}; ${at}).\n`;
  const lines = [
    `The read models differ from a replay of the event log in ${result.differenceCount.toLocaleString('en-US')} of ${keys} (${at}):`,
    ...result.differences.flatMap(difference),
  ];
  if (result.differenceCount > result.differences.length)
    lines.push(
      `  … and ${(result.differenceCount - result.differences.length).toLocaleString('en-US')} more`,
    );
  return `${lines.join('\n')}\n`;
}

/** What `replay --rebuild` prints on stdout. */
export const rebuildReport = (result: Rebuild): string =>
  `Rebuilt the read models from the event log (${where(result.checkpoints)}).\n`;
