import pino from 'pino';
import { allProjections } from '../../projections';
import { sqliteFile } from '../../src/app/event-store';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { MemoryReadModelStore } from '../../src/readmodel/memory';
import { Projector } from '../../src/readmodel/projector';

/** The read models a rebuild from position 0 of the DATA_DIR's event log gives (in-process). */
export async function rebuildFromLog(dataDir: string): Promise<ReturnType<MemoryReadModelStore['dump']>> {
  const events = openSqliteEventStore({ file: sqliteFile(dataDir) });
  const store = new MemoryReadModelStore();
  const projector = new Projector(events, store, allProjections, pino({ level: 'silent' }));
  try {
    await projector.start();
    const head = await events.headPosition();
    if (head !== null && !(await projector.waitFor(head, 60_000))) throw new Error('rebuild did not finish');
    return store.dump();
  } finally {
    await projector.stop();
    await events.close();
  }
}
