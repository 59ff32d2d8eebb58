import { FEED_ID_AT_MOST_LUA } from '../cluster/lua-feed-ids';
import { RedisScript } from '../cluster/redis-script';

/**
 * The Redis outbox's writes as Lua scripts: each is applied whole or not at all, and only while
 * the sender lease still holds the writer's value (fencing), so a paused old holder whose lease
 * another process took writes nothing. Everything that can refuse is checked before the first
 * write (Redis does not roll a script back).
 *
 * Keys under `<prefix>email:`: `checkpoint` (a feed ID), `seq` (INCR), `e:<seq>` (a hash: id,
 * message, attempts, permanent, error), `ids` (message ID → seq, while the message is kept),
 * `due` (ZSET of pending seqs by next attempt, epoch ms), `dead` (ZSET of dead letters by seq).
 * Seqs are zero-padded to 15 digits, so members of equal score order by seq.
 *
 * Every write script's ARGV starts with: prefix, lease name, lease value.
 */
const FENCE = `
local prefix = ARGV[1]
if redis.call('GET', prefix .. 'lease:' .. ARGV[2]) ~= ARGV[3] then
  return redis.error_reply('FENCED the lease ' .. ARGV[2] .. ' is held by another process')
end
local box = prefix .. 'email:'
`;

/**
 * ARGV 4: the new checkpoint (feed ID); then message ID, message JSON pairs. Adds the messages
 * not yet kept and moves the checkpoint; 0 and no change when the checkpoint is not ahead.
 */
export const ENQUEUE = new RedisScript(`${FENCE}${FEED_ID_AT_MOST_LUA}
local stored = redis.call('GET', box .. 'checkpoint')
if stored and feed_id_at_most(ARGV[4], stored) then return 0 end
for i = 5, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('HEXISTS', box .. 'ids', id) == 0 then
    local seq = string.format('%015d', redis.call('INCR', box .. 'seq'))
    redis.call('HSET', box .. 'e:' .. seq, 'id', id, 'message', ARGV[i + 1], 'attempts', 0, 'permanent', 0)
    redis.call('HSET', box .. 'ids', id, seq)
    redis.call('ZADD', box .. 'due', 0, seq)
  end
end
redis.call('SET', box .. 'checkpoint', ARGV[4])
return 1
`);

/** ARGV 4: seq. The entry leaves the outbox. */
export const MARK_SENT = new RedisScript(`${FENCE}
local seq = ARGV[4]
local id = redis.call('HGET', box .. 'e:' .. seq, 'id')
if not id then return 0 end
redis.call('HDEL', box .. 'ids', id)
redis.call('DEL', box .. 'e:' .. seq)
redis.call('ZREM', box .. 'due', seq)
redis.call('ZREM', box .. 'dead', seq)
return 1
`);

/** ARGV 4: seq, 5: permanent (0/1), 6: retry at (epoch ms), 7: error, 8: dead (0/1). */
export const MARK_FAILED = new RedisScript(`${FENCE}
local seq = ARGV[4]
local key = box .. 'e:' .. seq
if redis.call('EXISTS', key) == 0 then return 0 end
redis.call('HINCRBY', key, 'attempts', 1)
redis.call('HINCRBY', key, 'permanent', ARGV[5])
redis.call('HSET', key, 'error', ARGV[7])
if ARGV[8] == '1' then
  redis.call('ZREM', box .. 'due', seq)
  redis.call('ZADD', box .. 'dead', tonumber(seq), seq)
else
  redis.call('ZREM', box .. 'dead', seq)
  redis.call('ZADD', box .. 'due', ARGV[6], seq)
end
return 1
`);

/**
 * A consistent read of entries. ARGV: prefix, 'due' or 'dead', highest score, limit. Answers
 * seq, message, attempts, permanent, error (nil when none) for each, lowest score first.
 */
export const READ_ENTRIES = new RedisScript(`
local box = ARGV[1] .. 'email:'
local seqs = redis.call('ZRANGE', box .. ARGV[2], '-inf', ARGV[3], 'BYSCORE', 'LIMIT', 0, ARGV[4])
local out = {}
for _, seq in ipairs(seqs) do
  local f = redis.call('HMGET', box .. 'e:' .. seq, 'message', 'attempts', 'permanent', 'error')
  if f[1] then
    table.insert(out, seq)
    table.insert(out, f[1])
    table.insert(out, f[2])
    table.insert(out, f[3])
    table.insert(out, f[4])
  end
end
return out
`);
