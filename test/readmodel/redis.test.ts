import { RedisReadModelStore } from '../../src/readmodel/redis';
import { testRedis } from '../support/redis';
import { describeReadModelStore } from './store-contract';

const shared = testRedis();

describeReadModelStore('Redis', {
  open: async () => new RedisReadModelStore(shared.redis, shared.prefix()),
  cleanup: () => shared.cleanup(),
});
