-- KEYS[1] profile hash, KEYS[2] gone marker, KEYS[3] identifier → profile id hash.
-- ARGV[1] profile id, ARGV[2] marker lifetime in seconds.
-- An identifier is unmapped only while it still names this profile: after a merge the
-- surviving profile's write may already have moved it.
local ids = redis.call('HGET', KEYS[1], 'ids')
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
redis.call('DEL', KEYS[1])
if not ids then return 0 end
local removed = 0
for _, field in ipairs(cjson.decode(ids)) do
  if redis.call('HGET', KEYS[3], field) == ARGV[1] then
    redis.call('HDEL', KEYS[3], field)
    removed = removed + 1
  end
end
return removed
