import type { DocumentNode } from 'graphql';

/**
 * Valid documents (or what was learnt of them) by their text, least recently used first out: the same
 * subscription sent 10,000 times is parsed and validated once and its AST shared.
 * Only short texts are kept, so the cache's memory stays bounded.
 */
export class DocumentCache<T = DocumentNode> {
  private readonly documents = new Map<string, T>();

  constructor(
    private readonly maxEntries = 500,
    private readonly maxTextLength = 4096,
  ) {}

  get(text: string): T | undefined {
    const document = this.documents.get(text);
    if (document !== undefined) {
      this.documents.delete(text);
      this.documents.set(text, document);
    }
    return document;
  }

  set(text: string, document: T): void {
    if (text.length > this.maxTextLength) return;
    this.documents.set(text, document);
    if (this.documents.size > this.maxEntries) {
      const oldest = this.documents.keys().next();
      if (!oldest.done) this.documents.delete(oldest.value);
    }
  }
}
