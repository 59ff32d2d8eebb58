import { SqliteEmailOutbox, outboxFile } from '../../src/email/sqlite-outbox';
import { tempDir } from '../support/temp';
import { describeOutboxBehaviour } from './outbox-behaviour';

describeOutboxBehaviour('SQLite in DATA_DIR', async () => {
  const data = tempDir('saas-outbox-');
  const outbox = new SqliteEmailOutbox(outboxFile(data.dir));
  return {
    outbox,
    async cleanup() {
      await outbox.close();
      data.remove();
    },
  };
});
