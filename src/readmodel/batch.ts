import type { JsonValue } from '../eventstore/port';
import { mutableJsonCopy } from './frozen';
import type { ReadModelReader, WriteOp } from './port';
import type { Notification, ProjectionTx } from './projection';

/** Collects one batch's writes; reads see them before they are committed. */
export class BatchTx implements ProjectionTx {
  readonly ops: WriteOp[] = [];
  readonly notifications: Notification[] = [];
  private readonly pending = new Map<string, string | null>();

  constructor(private readonly reader: ReadModelReader) {}

  async get<T extends JsonValue>(key: string): Promise<T | undefined> {
    const local = this.pending.get(key);
    if (local === null) return undefined;
    if (local !== undefined) return JSON.parse(local) as T;
    // Projections may change what they read; the store's documents may be frozen.
    const stored = await this.reader.get<T>(key);
    return stored === undefined ? undefined : mutableJsonCopy(stored);
  }

  set(key: string, value: JsonValue): void {
    this.pending.set(key, JSON.stringify(value));
    this.ops.push({ op: 'set', key, value });
  }

  del(key: string): void {
    this.pending.set(key, null);
    this.ops.push({ op: 'del', key });
  }

  sortedAdd(key: string, member: string, score: number): void {
    this.ops.push({ op: 'sortedAdd', key, member, score });
  }

  sortedRemove(key: string, member: string): void {
    this.ops.push({ op: 'sortedRemove', key, member });
  }

  notify(topic: string, payload: JsonValue): void {
    this.notifications.push({ topic, payload });
  }
}
