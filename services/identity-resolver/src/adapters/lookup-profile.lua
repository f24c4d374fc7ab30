-- KEYS[1] identifier → profile id hash. ARGV[1] identifier field, ARGV[2] key prefix of
-- profile hashes (client prefix included). One round trip per lookup by any identifier; the
-- profile key is derived here, which Redis Cluster would forbid (there: one hash tag per shard).
local profileId = redis.call('HGET', KEYS[1], ARGV[1])
if not profileId then return false end
return redis.call('HGET', ARGV[2] .. profileId, 'view')
