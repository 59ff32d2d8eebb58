import { badInput } from './errors';

/** Trims and checks the length bounds of the contract ("Inputs are trimmed and bounded"). */
export function boundedText(value: string, field: string, min: number, max: number): string {
  const trimmed = value.trim();
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
export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = boundedText(value, field, 0, max);
  return trimmed === '' ? null : trimmed;
}

export const NAME_MAX = 100;
/** Descriptions of Virtual Accounts and groups. */
export const DESCRIPTION_MAX = 1000;
