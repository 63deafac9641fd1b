-- publish.lua: stores a batch of accepted envelopes, atomically with their
-- deduplication, in one call (the broker's group commit).
--
-- ARGV: prefix, now_ms, dedup_ttl_ms, max_backlog, count, then per item:
--   key, id, envelope, due_ms, nservices, service...
-- Returns per item: "A" stored, "D<first-id>" duplicate key, "O" over
-- capacity (nothing stored for D and O).
-- Keys are built from the prefix (see docs/broker.md, storage layout).

local prefix, now = ARGV[1], tonumber(ARGV[2])
local ttl, max_backlog = ARGV[3], tonumber(ARGV[4])
local count = tonumber(ARGV[5])
local backlog = tonumber(redis.call('GET', prefix .. 'backlog') or '0')
local results, at = {}, 6

for item = 1, count do
    local key, id, envelope = ARGV[at], ARGV[at + 1], ARGV[at + 2]
    local due, nservices = tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4])
    local dedup = prefix .. 'dd:' .. key
    local first
    if backlog + nservices > max_backlog then
        -- Full: nothing is stored, but a duplicate still says so
        first = redis.call('GET', dedup) or 'O'
    else
        -- One call both checks the key and claims it (Redis >= 7.0)
        first = redis.call('SET', dedup, id, 'PX', ttl, 'NX', 'GET')
    end
    if first == 'O' then
        results[item] = 'O'
    elseif first then
        results[item] = 'D' .. first
    else
        for index = 0, nservices - 1 do
            local service = ARGV[at + 5 + index]
            if due > now then
                redis.call('ZADD', prefix .. 'delay', due,
                           cmsgpack.pack(service, id, 0, envelope))
                redis.call('HINCRBY', prefix .. 'delayed', service, 1)
            else
                redis.call('XADD', prefix .. 'q:' .. service, '*',
                           'e', envelope, 'a', 0, 'i', id)
            end
        end
        backlog = backlog + nservices
        results[item] = 'A'
    end
    at = at + 5 + nservices
end
redis.call('SET', prefix .. 'backlog', backlog)
return results
