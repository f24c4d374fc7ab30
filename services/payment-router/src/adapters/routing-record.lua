-- Records one attempt's outcome for every router instance, atomically.
-- KEYS[1]: the segment's counts hash, KEYS[2]: the segment-and-PSP window (list of 1/0),
-- KEYS[3]: the PSP's breaker hash, KEYS[4]: its recent calls (list of 1/0),
-- KEYS[5]: the set of segments seen (for the stats endpoint).
-- ARGV: psp, segment, rate outcome ('1' approved, '0' declined, '' not counted), call ok
-- ('1'/'0'), now (ms), rate window, breaker window, minimum calls, failure rate, openMs.
local psp, segment, outcome, ok = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, rate_window = tonumber(ARGV[5]), tonumber(ARGV[6])
local breaker_window, minimum_calls = tonumber(ARGV[7]), tonumber(ARGV[8])
local failure_rate, open_ms = tonumber(ARGV[9]), tonumber(ARGV[10])
local field = {['1'] = psp .. ':a', ['0'] = psp .. ':d'}

-- The success-rate window: push the new outcome, let the oldest fall out of the counts.
if outcome ~= '' then
  redis.call('SADD', KEYS[5], segment)
  redis.call('LPUSH', KEYS[2], outcome)
  redis.call('HINCRBY', KEYS[1], field[outcome], 1)
  if redis.call('LLEN', KEYS[2]) > rate_window then
    redis.call('HINCRBY', KEYS[1], field[redis.call('RPOP', KEYS[2])], -1)
  end
end

-- The breaker.
local function open()
  redis.call('HSET', KEYS[3], 'state', 'open', 'opened_at', now)
  redis.call('HDEL', KEYS[3], 'probe_at')
  redis.call('DEL', KEYS[4])
end
local state, opened_at = unpack(redis.call('HMGET', KEYS[3], 'state', 'opened_at'))
if state == 'open' then
  if now - tonumber(opened_at) < open_ms then return 0 end
  -- Half-open: the probe's outcome decides.
  if ok == '1' then
    redis.call('DEL', KEYS[3], KEYS[4])
  else
    open()
  end
  return 0
end
redis.call('LPUSH', KEYS[4], ok)
redis.call('LTRIM', KEYS[4], 0, breaker_window - 1)
local calls = redis.call('LRANGE', KEYS[4], 0, -1)
local failures = 0
for _, call in ipairs(calls) do
  if call == '0' then failures = failures + 1 end
end
if #calls >= minimum_calls and failures / #calls >= failure_rate then open() end
return 0
