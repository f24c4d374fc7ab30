-- Reads what routing one payment needs, in one call: the segment's outcome counts per PSP and
-- each PSP's breaker state. KEYS[1]: the segment's counts (hash "<psp>:a" / "<psp>:d");
-- KEYS[2..]: one breaker hash per PSP. ARGV[1]: now (ms), ARGV[2]: openMs.
-- Returns {counts as a flat field/value list, state of each breaker}.
local now, open_ms = tonumber(ARGV[1]), tonumber(ARGV[2])
local states = {}
for i = 2, #KEYS do
  local state, opened_at = unpack(redis.call('HMGET', KEYS[i], 'state', 'opened_at'))
  if state ~= 'open' then
    states[#states + 1] = 'closed'
  elseif now - tonumber(opened_at) >= open_ms then
    states[#states + 1] = 'half_open'
  else
    states[#states + 1] = 'open'
  end
end
return {redis.call('HGETALL', KEYS[1]), states}
