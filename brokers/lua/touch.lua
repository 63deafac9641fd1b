-- touch.lua: renews this broker's hold on the deliveries it still has in
-- flight (resets their idle time without counting an attempt), so other
-- brokers do not reclaim live work. Entries another broker took are left
-- alone.
--
-- ARGV: prefix, group, consumer, service, stream_id...
-- Returns the number renewed.

local prefix, group, consumer, service = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local queue = prefix .. 'q:' .. service
local renewed = 0
for index = 5, #ARGV do
    local entry = redis.call('XPENDING', queue, group, ARGV[index], ARGV[index], 1)
    if #entry == 1 and entry[1][2] == consumer then
        redis.call('XCLAIM', queue, group, consumer, 0, ARGV[index], 'JUSTID')
        renewed = renewed + 1
    end
end
return renewed
