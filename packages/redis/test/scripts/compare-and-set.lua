-- Sets KEYS[1] to ARGV[2] only while it still holds ARGV[1]; 1 when it did, 0 otherwise.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
