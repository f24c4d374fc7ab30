-- Takes ARGV[1] units from the stock in KEYS[1] if that many are left; 1 when taken, 0 otherwise.
local left = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = tonumber(ARGV[1])
if left < wanted then
  return 0
end
redis.call('DECRBY', KEYS[1], wanted)
return 1
