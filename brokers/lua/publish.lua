-- publish.lua: stores a batch of accepted envelopes, atomically with their
-- deduplication, in one call (the broker's group commit).
--
-- ARGV: prefix, now_ms, dedup_ttl_ms, max_backlog, trace_ttl_ms, count,
-- then per item: key, id, corr, type, envelope, due_ms, nservices,
-- service..., phone, tenant
-- Returns per item: "A" stored, "D<first-id>" duplicate key, "O" over
-- capacity (nothing stored for D and O).
-- Keys are built from the prefix (see docs/broker.md, storage layout).
-- trace_ttl_ms > 0: a stored item is noted in its conversation's trace
-- (prefix .. 'trace:' .. corr: complete.lua describes the lines), kept
-- trace_ttl_ms after the conversation's first event; and an item with a
-- phone (the person its schema's indexed field names, normalised by the
-- broker; "" for none) notes its conversation under that number:
-- prefix .. 'phone:' .. phone, a sorted set of tenant .. '\t' .. corr
-- scored by when first seen, the newest 100 kept, expiring trace_ttl_ms
-- after the last one noted.

local prefix, now = ARGV[1], tonumber(ARGV[2])
local ttl, max_backlog = ARGV[3], tonumber(ARGV[4])
local trace_ttl, count = tonumber(ARGV[5]), tonumber(ARGV[6])
local backlog = tonumber(redis.call('GET', prefix .. 'backlog') or '0')
local results, at = {}, 7

-- Notes corr under the phone number it names (one ZADD, trim, PEXPIRE)
local function index_phone (phone, tenant, corr)
    if phone ~= '' then
        local conversations = prefix .. 'phone:' .. phone
        redis.call('ZADD', conversations, 'NX', now, tenant .. '\t' .. corr)
        redis.call('ZREMRANGEBYRANK', conversations, 0, -101)
        redis.call('PEXPIRE', conversations, trace_ttl)
    end
end

for item = 1, count do
    local key, id, corr, type = ARGV[at], ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
    local envelope, due = ARGV[at + 4], tonumber(ARGV[at + 5])
    local nservices = tonumber(ARGV[at + 6])
    local phone, tenant = ARGV[at + 7 + nservices], ARGV[at + 8 + nservices]
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
        local services = {}
        for index = 0, nservices - 1 do
            local service = ARGV[at + 7 + index]
            services[#services + 1] = service
            if due > now then
                redis.call('ZADD', prefix .. 'delay', due,
                           cmsgpack.pack(service, id, 0, envelope))
                redis.call('HINCRBY', prefix .. 'delayed', service, 1)
            else
                redis.call('XADD', prefix .. 'q:' .. service, '*',
                           'e', envelope, 'a', 0, 'i', id)
            end
        end
        if trace_ttl > 0 then
            local trace = prefix .. 'trace:' .. corr
            local delay = due > now and (due - now) or 0
            local length = redis.call('RPUSH', trace, now .. '\tpublished\t' .. type .. '\t'
                                      .. id .. '\t' .. table.concat(services, ' ') .. '\t0\t'
                                      .. delay .. '\t\t0')
            if length == 1 then
                redis.call('PEXPIRE', trace, trace_ttl)
            elseif length > 256 then
                redis.call('LTRIM', trace, -256, -1)
            end
            index_phone (phone, tenant, corr)
        end
        backlog = backlog + nservices
        results[item] = 'A'
    end
    at = at + 9 + nservices
end
redis.call('SET', prefix .. 'backlog', backlog)
return results
