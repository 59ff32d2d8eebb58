import { badInput } from './errors';
import { textProblem, type TextKind } from './text-rules';

export type { TextKind } from './text-rules';

/**
 * Trims, applies the contract's text rules (text-rules.ts) and checks the length bounds
 * ("Inputs are trimmed and bounded"). `kind` says whether line breaks and tabs are allowed.
 */
export function boundedText(
  value: string,
  field: string,
  min: number,
  max: number,
  kind: TextKind = 'line',
): string {
  const trimmed = value.trim();
  const problem = textProblem(trimmed, kind);
  if (problem !== null) throw badInput(`${field} ${problem}`, field);
  const length = [...trimmed].length;
  if (length < min || length > max) {
    throw badInput(
      min > 0 && length === 0
        ? `${field} must not be empty`
        : `${field} must be ${min === max ? min : `${min} to ${max}`} characters long`,
      field,
    );
  }
  return trimmed;
}

/** Like boundedText, but an empty or missing value becomes null. */
export function optionalText(
  value: string | null | undefined,
  field: string,
  max: number,
  kind: TextKind = 'line',
): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = boundedText(value, field, 0, max, kind);
  return trimmed === '' ? null : trimmed;
}

export const NAME_MAX = 100;
/** Descriptions of Virtual Accounts and groups. */
export const DESCRIPTION_MAX = 1000;
