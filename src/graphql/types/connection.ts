import { Field, Int, type ClassType } from 'type-graphql';
import { OutputType } from './output-type';
import { badInput } from '../../domain/errors';

@OutputType()
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Declares `<Name>Edge` and `<Name>Connection` object types for a node type. */
export function connectionType<T extends object>(
  nodeType: ClassType<T>,
  name: string,
): ClassType<Connection<T>> {
  @OutputType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @OutputType(`${name}Connection`)
  class ConnectionType implements Connection<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [nodeType])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return ConnectionType;
}

export const MAX_PAGE_SIZE = 500;

export function pageSize(first: number | null | undefined, fallback = 50): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput(`first must be from 1 to ${MAX_PAGE_SIZE}`, 'first');
  }
  return size;
}

/** Cursors are opaque to clients; inside they are the item's sequence number. */
export const encodeCursor = (seq: number): string => Buffer.from(`seq:${seq}`).toString('base64url');

export function decodeCursor(cursor: string | null | undefined): number | undefined {
  if (cursor === null || cursor === undefined || cursor === '') return undefined;
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badInput('after is not a cursor from this list', 'after');
  return Number(match[1]);
}

/** A page from items already ordered by seq, of which one more than needed was fetched. */
export function toConnection<T>(
  items: Array<{ seq: number; node: T }>,
  size: number,
  totalCount: number,
): Connection<T> {
  const page = items.slice(0, size);
  const last = page[page.length - 1];
  // Edges and their cursors are built only when a query asks for them.
  return {
    get edges() {
      return page.map(({ seq, node }) => ({
        get cursor() {
          return encodeCursor(seq);
        },
        node,
      }));
    },
    nodes: page.map((item) => item.node),
    pageInfo: {
      hasNextPage: items.length > size,
      endCursor: last ? encodeCursor(last.seq) : null,
    },
    totalCount,
  };
}
