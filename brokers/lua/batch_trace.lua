-- batch_trace.lua: what publish.lua and complete.lua share; sb_store.c
-- puts this text before each of them (it is no script of its own). A
-- batch's trace lines are noted per conversation and pushed once per
-- conversation at the end (one RPUSH for all of a batch's events of a
-- conversation, not one each); the phone index notes conversations under
-- the number they concern. Local functions only, given what they need:
-- Redis's Lua has no globals.

local traces, trace_order = {}, {}

-- Notes one line in corr's trace, pushed by trace_flush
local function trace_note (corr, line)
    local lines = traces[corr]
    if not lines then
        lines = {}
        traces[corr] = lines
        trace_order[#trace_order + 1] = corr
    end
    lines[#lines + 1] = line
end

-- Pushes the noted lines into prefix .. 'trace:' .. corr (in chunks within
-- Lua's stack), keeping the newest 256, the list expiring ttl_text ms
-- after its first event
local function trace_flush (prefix, ttl_text)
    for _, corr in ipairs(trace_order) do
        local list, lines = prefix .. 'trace:' .. corr, traces[corr]
        local length = 0
        for first = 1, #lines, 1000 do
            length = redis.call('RPUSH', list, unpack(lines, first, math.min(first + 999, #lines)))
        end
        if length == #lines then
            redis.call('PEXPIRE', list, ttl_text)
        end
        if length > 256 then
            redis.call('LTRIM', list, -256, -1)
        end
    end
end

-- Notes corr under the phone number it names ("" for none): one ZADD of
-- tenant .. '\t' .. corr scored now_text, a trim to the newest 100, and
-- the set expiring ttl_text ms after the last one noted
local function index_phone (prefix, phone, tenant, corr, now_text, ttl_text)
    if phone ~= '' then
        local conversations = prefix .. 'phone:' .. phone
        redis.call('ZADD', conversations, 'NX', now_text, tenant .. '\t' .. corr)
        redis.call('ZREMRANGEBYRANK', conversations, 0, -101)
        redis.call('PEXPIRE', conversations, ttl_text)
    end
end

