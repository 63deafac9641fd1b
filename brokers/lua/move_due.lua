-- move_due.lua: moves delayed entries (retries with back-off, scheduled
-- messages) whose time has come into their service's queue.
--
-- ARGV: prefix, now_ms, max
-- Returns: { moved count, next due ms or -1, service... (those that got work) }

local prefix, now, max = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local due = redis.call('ZRANGEBYSCORE', prefix .. 'delay', '-inf', now, 'LIMIT', 0, max)
local touched, services = {}, {}
for _, member in ipairs(due) do
    local service, id, base, envelope = cmsgpack.unpack(member)
    redis.call('XADD', prefix .. 'q:' .. service, '*', 'e', envelope, 'a', base, 'i', id)
    redis.call('ZREM', prefix .. 'delay', member)
    redis.call('HINCRBY', prefix .. 'delayed', service, -1)
    if not touched[service] then
        touched[service] = true
        services[#services + 1] = service
    end
end
local next_due = redis.call('ZRANGE', prefix .. 'delay', 0, 0, 'WITHSCORES')
local result = { #due, next_due[2] and tonumber(next_due[2]) or -1 }
for _, service in ipairs(services) do result[#result + 1] = service end
return result
