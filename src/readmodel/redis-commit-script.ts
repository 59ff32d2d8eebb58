import { FEED_ID_AT_MOST_LUA } from '../cluster/lua-feed-ids';

/**
 * The read-model commit as one Lua script, so Redis applies a batch's writes, its checkpoint,
 * its entry in the commit feed and the feed message all together or not at all.
 *
 * Redis does not roll a script back when a command fails halfway, so everything that can fail
 * is checked before the first write: the lease (fencing) and that the checkpoint moves forward.
 *
 * KEYS: none — the keys are made from the prefix (one Redis, not a Redis Cluster).
 * ARGV: prefix, projection, lease name ('' = unfenced), lease value, checkpoint id,
 *       notifications JSON, feed length cap, then the ops:
 *       S key json | D key | A key score member | R key member
 */
export const COMMIT_SCRIPT = `
local prefix = ARGV[1]
local projection = ARGV[2]
if ARGV[3] ~= '' and redis.call('GET', prefix .. 'lease:' .. ARGV[3]) ~= ARGV[4] then
  return redis.error_reply('FENCED the lease ' .. ARGV[3] .. ' is held by another process')
end
${FEED_ID_AT_MOST_LUA}
local cpKey = prefix .. 'cp:' .. projection
local previous = redis.call('GET', cpKey)
if previous and feed_id_at_most(ARGV[5], previous) then
  return redis.error_reply('BEHIND checkpoint ' .. ARGV[5] .. ' is not after ' .. previous)
end
local values = prefix .. 'rm:v:'
local sets = prefix .. 'rm:z:'
local i = 8
local n = #ARGV
while i <= n do
  local op = ARGV[i]
  local key = ARGV[i + 1]
  if op == 'S' then
    redis.call('DEL', sets .. key)
    redis.call('SET', values .. key, ARGV[i + 2])
    i = i + 3
  elseif op == 'D' then
    redis.call('DEL', values .. key, sets .. key)
    i = i + 2
  elseif op == 'A' then
    redis.call('ZADD', sets .. key, ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  else
    redis.call('ZREM', sets .. key, ARGV[i + 2])
    i = i + 3
  end
end
redis.call('SET', cpKey, ARGV[5])
redis.call('XADD', prefix .. 'feed:' .. projection, 'MAXLEN', '~', ARGV[7], ARGV[5], 'n', ARGV[6])
redis.call('PUBLISH', prefix .. 'feed', projection .. '\\n' .. (previous or '') .. '\\n' .. ARGV[5] .. '\\n' .. ARGV[6])
return 1
`;
