import { badInput } from '../errors';

export const DOMAIN_IDENTIFIER_MAX = 253;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const TOP_LEVEL = /^[a-z]{2,}$/i;

/** The form domain identifiers are compared (and reserved) in: trimmed, lower-case. */
export const normalizeDomainIdentifier = (value: string): string => value.trim().toLowerCase();

/**
 * Trims and checks that `value` looks like a domain name (`example.com`): dot-separated
 * labels of ASCII letters, digits and inner hyphens (each at most 63), a top-level label of
 * two or more letters, at most 253 characters. Returns it as typed, only trimmed.
 */
export function validateDomainIdentifier(value: string, field = 'domainIdentifier'): string {
  const trimmed = value.trim();
  if (trimmed === '') throw badInput(`${field} must not be empty`, field);
  const labels = trimmed.split('.');
  const domainLike =
    trimmed.length <= DOMAIN_IDENTIFIER_MAX &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    TOP_LEVEL.test(labels[labels.length - 1]);
  if (!domainLike) throw badInput(`${field} must look like a domain name, e.g. example.com`, field);
  return trimmed;
}
