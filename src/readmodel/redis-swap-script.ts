/**
 * A rebuilt projection's keys take the place of the live ones, as one Lua script: readers see the
 * old read model or the new one, never a mix or nothing.
 *
 * Everything that can fail is checked before the first write (Redis does not roll a script
 * back): the lease still holds the rebuilder's token (fencing), the staged read model is at
 * exactly the live checkpoint, and every staged key is there.
 *
 * KEYS: none — the keys are made from the prefixes (one Redis, not a Redis Cluster).
 * ARGV: live prefix, staging prefix, lease name, lease value, projection, n, then n live keys to
 *       delete and the staged keys to move, each relative to `<prefix>rm:` (`v:<key>`, `z:<key>`).
 */
export const SWAP_SCRIPT = `
local live = ARGV[1]
local stage = ARGV[2]
if redis.call('GET', live .. 'lease:' .. ARGV[3]) ~= ARGV[4] then
  return redis.error_reply('FENCED the lease ' .. ARGV[3] .. ' is held by another process')
end
local liveCp = redis.call('GET', live .. 'cp:' .. ARGV[5])
local stageCp = redis.call('GET', stage .. 'cp:' .. ARGV[5])
if liveCp ~= stageCp then
  return redis.error_reply('MOVED the live checkpoint is ' .. tostring(liveCp) .. ', the rebuilt one ' .. tostring(stageCp))
end
local n = tonumber(ARGV[6])
for i = 7 + n, #ARGV do
  if redis.call('EXISTS', stage .. 'rm:' .. ARGV[i]) == 0 then
    return redis.error_reply('MISSING the staged key ' .. ARGV[i] .. ' is gone')
  end
end
for i = 7, 6 + n do
  redis.call('DEL', live .. 'rm:' .. ARGV[i])
end
for i = 7 + n, #ARGV do
  redis.call('RENAME', stage .. 'rm:' .. ARGV[i], live .. 'rm:' .. ARGV[i])
end
return #ARGV - 6 - n
`;
