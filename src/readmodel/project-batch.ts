import type { StoredEvent } from '../eventstore/port';
import { BatchTx } from './batch';
import type { ReadModelReader } from './port';
import type { Projection } from './projection';

/** Runs the projection over a batch; the writes and notifications are in the returned transaction. */
export async function projectBatch(
  projection: Projection,
  reader: ReadModelReader,
  batch: readonly StoredEvent[],
): Promise<BatchTx> {
  const tx = new BatchTx(reader);
  for (const event of batch) await projection.apply(event, tx);
  return tx;
}
