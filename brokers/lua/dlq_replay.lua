-- dlq_replay.lua: moves dead letters back to their service's queue with
-- their attempts reset, atomically per entry.
--
-- ARGV: prefix, entry_id... (dead-letter stream ids)
-- Returns the services that got work back, one per replayed entry.

local prefix = ARGV[1]
local services = {}
for index = 2, #ARGV do
    local entry = redis.call('XRANGE', prefix .. 'dlq', ARGV[index], ARGV[index])
    if #entry == 1 then
        local fields = {}
        for at = 1, #entry[1][2], 2 do
            fields[entry[1][2][at]] = entry[1][2][at + 1]
        end
        redis.call('XADD', prefix .. 'q:' .. fields['service'], '*',
                   'e', fields['e'], 'a', 0, 'i', fields['id'])
        redis.call('XDEL', prefix .. 'dlq', ARGV[index])
        redis.call('INCRBY', prefix .. 'backlog', 1)
        services[#services + 1] = fields['service']
    end
end
return services
