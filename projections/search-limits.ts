import { badInput } from '../src/domain/errors';
import { searchTerms } from './search-words';

export const MAX_SEARCH_TERMS = 10;
export const MAX_SEARCH_TERM_LENGTH = 100;

/** The terms of a search, refused (BAD_USER_INPUT on `field`) beyond the contract's bounds. */
export function boundedSearchTerms(text: string | null | undefined, field = 'search'): string[] {
  const terms = searchTerms(text ?? '');
  if (terms.length > MAX_SEARCH_TERMS) {
    throw badInput(`${field} may have at most ${MAX_SEARCH_TERMS} terms, got ${terms.length}`, field);
  }
  if (terms.some((term) => [...term].length > MAX_SEARCH_TERM_LENGTH)) {
    throw badInput(`Each term of ${field} may be at most ${MAX_SEARCH_TERM_LENGTH} characters long`, field);
  }
  return terms;
}
