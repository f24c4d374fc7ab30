-- Records one payment attempt in the fraud velocity windows and returns the counts, atomically.
-- KEYS: card, ip, email (sorted sets of attempts), device cards, ip cards (sorted sets of card
-- fingerprints scored by last use). ARGV: now (ms), request id, card fingerprint.
local now = tonumber(ARGV[1])
local day = 86400000
local function record(key, member)
  redis.call('ZADD', key, now, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - day)
  redis.call('PEXPIRE', key, day)
end
local function since(key, ms)
  return redis.call('ZCOUNT', key, now - ms, '+inf')
end
record(KEYS[1], ARGV[2])
record(KEYS[2], ARGV[2])
record(KEYS[3], ARGV[2])
record(KEYS[4], ARGV[3])
record(KEYS[5], ARGV[3])
return {
  since(KEYS[1], 600000),
  redis.call('ZCARD', KEYS[1]),
  since(KEYS[2], 3600000),
  since(KEYS[3], 3600000),
  redis.call('ZCARD', KEYS[4]),
  redis.call('ZCARD', KEYS[5]),
}
