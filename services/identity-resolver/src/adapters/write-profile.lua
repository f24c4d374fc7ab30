-- KEYS[1] profile hash, KEYS[2] gone marker, KEYS[3] identifier → profile id hash.
-- ARGV[1] view JSON, ARGV[2] profile id, ARGV[3] version (updatedAt, ms), ARGV[4] identifier
-- fields as JSON. A view is written only if the profile was never merged away or erased (gone
-- marker) and is not older than the stored one: a slow projector never resurrects or rolls back.
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local stored = redis.call('HGET', KEYS[1], 'version')
if stored and tonumber(stored) > tonumber(ARGV[3]) then return 0 end
local fields = cjson.decode(ARGV[4])
-- Identifiers a split moved away stop naming this profile (unless the other part's write
-- already moved them): a lookup never lands on a profile that no longer holds it.
local previous = redis.call('HGET', KEYS[1], 'ids')
if previous then
  local kept = {}
  for _, field in ipairs(fields) do kept[field] = true end
  for _, field in ipairs(cjson.decode(previous)) do
    if not kept[field] and redis.call('HGET', KEYS[3], field) == ARGV[2] then
      redis.call('HDEL', KEYS[3], field)
    end
  end
end
redis.call('HSET', KEYS[1], 'view', ARGV[1], 'version', ARGV[3], 'ids', ARGV[4])
for _, field in ipairs(fields) do redis.call('HSET', KEYS[3], field, ARGV[2]) end
return 1
