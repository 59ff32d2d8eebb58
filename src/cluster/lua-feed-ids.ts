/**
 * Lua for scripts that compare checkpoints stored as feed IDs (`commit-(prepare+1)`, see
 * src/readmodel/feed-id.ts): `feed_id_at_most(x, y)` is true when x orders at or before y.
 * Both parts may exceed a Lua number's exact range, so they compare as digit strings.
 */
export const FEED_ID_AT_MOST_LUA = `
local function feed_id_parts(id)
  local a, b = string.match(id, '^(%d+)-(%d+)$')
  return a, b
end
local function feed_id_at_most(x, y)
  local xa, xb = feed_id_parts(x)
  local ya, yb = feed_id_parts(y)
  if #xa ~= #ya then return #xa < #ya end
  if xa ~= ya then return xa < ya end
  if #xb ~= #yb then return #xb < #yb end
  return xb <= yb
end
`;
