-- Whether a call may go to a PSP whose breaker is half-open: the first caller of any router
-- instance claims the one probe. A claim older than openMs (its caller died) may be taken over.
-- KEYS[1]: the breaker hash. ARGV[1]: now (ms), ARGV[2]: openMs. Returns 1 or 0.
local now, open_ms = tonumber(ARGV[1]), tonumber(ARGV[2])
local state, opened_at, probe_at = unpack(redis.call('HMGET', KEYS[1], 'state', 'opened_at', 'probe_at'))
if state ~= 'open' then return 1 end
if now - tonumber(opened_at) < open_ms then return 0 end
if probe_at and now - tonumber(probe_at) < open_ms then return 0 end
redis.call('HSET', KEYS[1], 'probe_at', now)
return 1
