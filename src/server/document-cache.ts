import type { DocumentNode } from 'graphql';
import { RecentMap } from '../cache/recent-map';

/**
 * Valid documents (or what was learnt of them) by their text, least recently used first out (see
 * `RecentMap`): the same subscription sent 10,000 times is parsed and validated once and its AST
 * shared. Only short texts are kept, so the cache's memory stays bounded.
 */
export class DocumentCache<T = DocumentNode> {
  private readonly documents: RecentMap<string, T>;

  constructor(
    maxEntries = 500,
    private readonly maxTextLength = 4096,
  ) {
    this.documents = new RecentMap(maxEntries);
  }

  get(text: string): T | undefined {
    return this.documents.get(text);
  }

  set(text: string, document: T): void {
    if (text.length > this.maxTextLength) return;
    this.documents.set(text, document);
  }
}
