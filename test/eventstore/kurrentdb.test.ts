import { openKurrentDbEventStore } from '../../src/eventstore/kurrentdb';
import { describeEventStoreContract } from './contract';

const connectionString = process.env.KURRENTDB_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract('kurrentdb', {
    open: async () => openKurrentDbEventStore({ connectionString }),
  });
} else {
  describe('EventStore contract: kurrentdb', () => {
    test.skip('needs KURRENTDB_CONNECTION_STRING (e.g. kurrentdb://localhost:2113?tls=false)', () =>
      undefined);
  });
}
