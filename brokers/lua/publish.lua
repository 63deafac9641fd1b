-- publish.lua: stores a batch of accepted envelopes, atomically with their
-- deduplication, in one call (the broker's group commit).
--
-- ARGV: prefix, now_ms, dedup_ttl_ms, max_backlog, trace_ttl_ms, count,
-- then per item: key, id, corr, type, envelope, due_ms, nservices,
-- service..., phone, tenant
-- Returns per item: "A" stored, "D<first-id>" duplicate key, "O" over
-- capacity (nothing stored for D and O).
-- Keys are built from the prefix (see docs/broker.md, storage layout).
-- sb_store.c puts batch_trace.lua before it (trace_note, trace_flush,
-- index_phone).
-- trace_ttl_ms > 0: a stored item is noted in its conversation's trace
-- (prefix .. 'trace:' .. corr: complete.lua describes the lines), kept
-- trace_ttl_ms after the conversation's first event; and an item with a
-- phone (the person its schema's indexed field names, normalised by the
-- broker; "" for none) notes its conversation under that number:
-- prefix .. 'phone:' .. phone, a sorted set of tenant .. '\t' .. corr
-- scored by when first seen, the newest 100 kept, expiring trace_ttl_ms
-- after the last one noted.

local prefix, now_text = ARGV[1], ARGV[2]
local now = tonumber(now_text)
local ttl, max_backlog = ARGV[3], tonumber(ARGV[4])
local trace_ttl, count = tonumber(ARGV[5]), tonumber(ARGV[6])
local backlog = tonumber(redis.call('GET', prefix .. 'backlog') or '0')
local results, at = {}, 7
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
                           'e', envelope, 'i', id)
            end
        end
        if trace_ttl > 0 then
            -- Numbers kept as text: Lua formats a number with printf
            local delay = due > now and tostring(due - now) or '0'
            trace_note (corr, now_text .. '\tpublished\t' .. type .. '\t' .. id .. '\t'
                        .. table.concat(services, ' ') .. '\t0\t' .. delay .. '\t\t0')
            index_phone (prefix, phone, tenant, corr, now_text, ARGV[5])
        end
        backlog = backlog + nservices
        results[item] = 'A'
    end
    at = at + 9 + nservices
end
trace_flush (prefix, ARGV[5])
redis.call('SET', prefix .. 'backlog', backlog)
return results
