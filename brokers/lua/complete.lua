-- complete.lua: applies a batch of worker answers (DONE with its outputs,
-- RETRY, FAIL), each fenced: it applies only if this broker still holds the
-- delivery and the delivery count is the one it handed out, so an answer
-- for an attempt whose lease went to another never completes it twice.
--
-- ARGV: prefix, group, consumer, now_ms, dedup_ttl_ms, trace_ttl_ms, count,
-- then per op:
--   kind, service, stream_id, delivery_count, envelope_id, attempts,
--   corr, type, delivered_ms (when the worker was handed it), claims (the
--   queue's claim count when the entry was fetched; "" when it came from a
--   claim or its answer's outcome was lost: look it up), then
--   kind "D": noutputs, per output: key, id, corr, type, envelope, due_ms,
--             nservices, service..., phone, tenant (as publish.lua)
--   kind "R": due_ms, reason, envelope (attempts become the entry's base)
--   kind "F": reason, envelope
-- Returns per op: "OK", or "STALE" (fenced: nothing changed).
-- trace_ttl_ms > 0: every applied answer, and every output stored, is
-- noted in its conversation's trace list (prefix .. 'trace:' .. corr), one
-- tab-separated line: at_ms, event (published|done|retry|dead), type, id,
-- service(s), attempt, delay_ms, reason, delivered_ms; at most 256 lines,
-- the list expiring trace_ttl_ms after its first event (docs/broker.md).
--
-- sb_store.c puts batch_trace.lua before it (trace_note, trace_flush,
-- index_phone).
--
-- Acknowledged entries stay in the stream until trim.lua removes them in
-- bulk: one XACK per service per batch instead of an XACK and an XDEL per
-- message.

local prefix, group, consumer = ARGV[1], ARGV[2], ARGV[3]
local now_text, ttl = ARGV[4], ARGV[5]
local now = tonumber(now_text)
local trace_ttl, count = tonumber(ARGV[6]), tonumber(ARGV[7])
local results, at = {}, 8
local backlog_change = 0
local held = {}        -- queue -> { stream id -> delivery count }, ours
local acks = {}        -- queue -> stream ids to acknowledge

-- A service's claim count (claim.lua adds to it), read once per batch
local claim_counts = {}
local function claims (service)
    local value = claim_counts[service]
    if not value then
        value = redis.call('GET', prefix .. 'claims:' .. service) or '0'
        claim_counts[service] = value
    end
    return value
end

-- The delivery count of stream_id if this broker holds it, else false.
-- An entry fetched since the queue's last claim is still this broker's
-- first delivery of it: only a claim takes an entry from a consumer or
-- counts a new delivery, and the broker sends one answer per delivery
-- (a second, or one whose outcome was lost, comes with claims ""). Any
-- other is looked up: one XPENDING of that id alone (O(log n)).
local function holding (queue, service, stream_id, seen)
    local map = held[queue]
    if not map then
        map = {}
        held[queue] = map
        acks[queue] = {}
    end
    local count = map[stream_id]
    if count == nil then
        if seen ~= '' and seen == claims(service) then
            count = 1
        else
            local entry = redis.call('XPENDING', queue, group, stream_id, stream_id, 1, consumer)[1]
            count = entry and tonumber(entry[4]) or false
        end
        map[stream_id] = count
    end
    return count
end

local function remove (queue, stream_id)
    local list = acks[queue]
    list[#list + 1] = stream_id
    held[queue][stream_id] = false    -- a second answer in the batch is stale
    backlog_change = backlog_change - 1
end

-- Notes one event in a conversation's trace (batch_trace.lua), after the time
local function trace (corr, line)
    if trace_ttl > 0 then
        trace_note (corr, now_text .. '\t' .. line)
    end
end

-- Stores one output like publish.lua does, skipping a duplicate key
local function store_output (position)
    local key, id, corr = ARGV[position], ARGV[position + 1], ARGV[position + 2]
    local type, envelope = ARGV[position + 3], ARGV[position + 4]
    local due, nservices = tonumber(ARGV[position + 5]), tonumber(ARGV[position + 6])
    if redis.call('SET', prefix .. 'dd:' .. key, id, 'PX', ttl, 'NX') then
        local services = {}
        for index = 0, nservices - 1 do
            local service = ARGV[position + 7 + index]
            services[#services + 1] = service
            if due > now then
                redis.call('ZADD', prefix .. 'delay', due, cmsgpack.pack(service, id, 0, envelope))
                redis.call('HINCRBY', prefix .. 'delayed', service, 1)
            else
                redis.call('XADD', prefix .. 'q:' .. service, '*', 'e', envelope, 'i', id)
            end
        end
        trace (corr, 'published\t' .. type .. '\t' .. id .. '\t' .. table.concat(services, ' ')
               .. '\t0\t' .. (due > now and tostring(due - now) or '0') .. '\t\t0')
        if trace_ttl > 0 then
            index_phone (prefix, ARGV[position + 7 + nservices], ARGV[position + 8 + nservices],
                         corr, now_text, ARGV[6])
        end
        backlog_change = backlog_change + nservices
    end
    return position + 9 + nservices
end

-- One answer's trace line after the time: event, type, id, service,
-- attempt, delay, reason (tabs and newlines made spaces), delivered_ms.
-- attempts and delay are text: Lua formats a number with printf.
local function answer_line (event, type, id, service, attempts, delay, reason, delivered)
    if reason ~= '' then reason = string.gsub(reason, '[\t\r\n]', ' ') end
    return event .. '\t' .. type .. '\t' .. id .. '\t' .. service .. '\t' .. attempts .. '\t'
        .. delay .. '\t' .. reason .. '\t' .. delivered
end

for op = 1, count do
    local kind, service, stream_id = ARGV[at], ARGV[at + 1], ARGV[at + 2]
    local delivery_count, envelope_id = tonumber(ARGV[at + 3]), ARGV[at + 4]
    local attempts_text = ARGV[at + 5]
    local attempts = tonumber(attempts_text)
    local corr, type, delivered = ARGV[at + 6], ARGV[at + 7], ARGV[at + 8]
    local queue = prefix .. 'q:' .. service
    local errors = prefix .. 'errs:' .. service .. ':' .. envelope_id
    local valid = holding (queue, service, stream_id, ARGV[at + 9]) == delivery_count
    at = at + 10
    if kind == 'D' then
        local noutputs = tonumber(ARGV[at])
        at = at + 1
        if valid then
            remove (queue, stream_id)
            -- Only a message that failed before has an error history
            if attempts > 1 then redis.call('DEL', errors) end
            trace (corr, answer_line ('done', type, envelope_id, service, attempts_text, '0', '',
                                     delivered))
        end
        for output = 1, noutputs do
            if valid then
                at = store_output (at)
            else
                at = at + 9 + tonumber(ARGV[at + 6])
            end
        end
    elseif kind == 'R' then
        if valid then
            local due, reason, envelope = ARGV[at], ARGV[at + 1], ARGV[at + 2]
            remove (queue, stream_id)
            redis.call('ZADD', prefix .. 'delay', due,
                       cmsgpack.pack(service, envelope_id, attempts, envelope))
            redis.call('HINCRBY', prefix .. 'delayed', service, 1)
            redis.call('RPUSH', errors, reason)
            redis.call('PEXPIRE', errors, ttl)
            trace (corr, answer_line ('retry', type, envelope_id, service, attempts_text,
                                      tostring(math.max(tonumber(due) - now, 0)), reason,
                                      delivered))
            backlog_change = backlog_change + 1
        end
        at = at + 3
    else
        if valid then
            local reason, envelope = ARGV[at], ARGV[at + 1]
            remove (queue, stream_id)
            redis.call('RPUSH', errors, reason)
            local history = redis.call('LRANGE', errors, 0, -1)
            redis.call('DEL', errors)
            redis.call('XADD', prefix .. 'dlq', '*', 'service', service, 'id', envelope_id,
                       'reason', reason, 'attempts', attempts_text, 'failed_ms', ARGV[4],
                       'errors', cjson.encode(history), 'e', envelope)
            trace (corr, answer_line ('dead', type, envelope_id, service, attempts_text, '0',
                                      reason, delivered))
        end
        at = at + 2
    end
    results[op] = valid and 'OK' or 'STALE'
end
trace_flush (prefix, ARGV[6])
for queue, list in pairs(acks) do
    if #list > 0 then redis.call('XACK', queue, group, unpack(list)) end
end
if backlog_change ~= 0 then
    redis.call('INCRBY', prefix .. 'backlog', backlog_change)
end
return results
