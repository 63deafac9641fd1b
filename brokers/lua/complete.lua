-- complete.lua: applies a batch of worker answers (DONE with its outputs,
-- RETRY, FAIL), each fenced: it applies only if this broker still holds the
-- delivery and the delivery count is the one it handed out, so an answer
-- for an attempt whose lease went to another never completes it twice.
--
-- ARGV: prefix, group, consumer, now_ms, dedup_ttl_ms, count, then per op:
--   kind, service, stream_id, delivery_count, envelope_id, attempts,
--   held (deliveries this broker holds for the service), then
--   kind "D": noutputs, per output: key, id, envelope, due_ms, nservices, service...
--   kind "R": due_ms, reason, envelope (attempts become the entry's base)
--   kind "F": reason, envelope
-- Returns per op: "OK", or "STALE" (fenced: nothing changed).
--
-- Acknowledged entries stay in the stream until trim.lua removes them in
-- bulk: one XACK per service per batch instead of an XACK and an XDEL per
-- message.

local prefix, group, consumer = ARGV[1], ARGV[2], ARGV[3]
local now, ttl, count = tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local results, at = {}, 7
local backlog_change = 0
local held = {}        -- queue -> { stream id -> delivery count }, ours
local acks = {}        -- queue -> stream ids to acknowledge

-- This broker's pending entries of a queue, read once per batch
local function holdings (queue, limit)
    if not held[queue] then
        local map = {}
        local pending = redis.call('XPENDING', queue, group, '-', '+', math.max(limit, 1), consumer)
        for _, entry in ipairs(pending) do map[entry[1]] = tonumber(entry[4]) end
        held[queue] = map
        acks[queue] = {}
    end
    return held[queue]
end

local function remove (queue, stream_id)
    local list = acks[queue]
    list[#list + 1] = stream_id
    held[queue][stream_id] = nil      -- a second answer in the batch is stale
    backlog_change = backlog_change - 1
end

-- Stores one output like publish.lua does, skipping a duplicate key
local function store_output (position)
    local key, id, envelope = ARGV[position], ARGV[position + 1], ARGV[position + 2]
    local due, nservices = tonumber(ARGV[position + 3]), tonumber(ARGV[position + 4])
    if redis.call('SET', prefix .. 'dd:' .. key, id, 'PX', ttl, 'NX') then
        for index = 0, nservices - 1 do
            local service = ARGV[position + 5 + index]
            if due > now then
                redis.call('ZADD', prefix .. 'delay', due, cmsgpack.pack(service, id, 0, envelope))
                redis.call('HINCRBY', prefix .. 'delayed', service, 1)
            else
                redis.call('XADD', prefix .. 'q:' .. service, '*', 'e', envelope, 'a', 0, 'i', id)
            end
        end
        backlog_change = backlog_change + nservices
    end
    return position + 5 + nservices
end

for op = 1, count do
    local kind, service, stream_id = ARGV[at], ARGV[at + 1], ARGV[at + 2]
    local delivery_count, envelope_id = tonumber(ARGV[at + 3]), ARGV[at + 4]
    local attempts, limit = tonumber(ARGV[at + 5]), tonumber(ARGV[at + 6])
    local queue = prefix .. 'q:' .. service
    local errors = prefix .. 'errs:' .. service .. ':' .. envelope_id
    local valid = holdings (queue, limit)[stream_id] == delivery_count
    at = at + 7
    if kind == 'D' then
        local noutputs = tonumber(ARGV[at])
        at = at + 1
        if valid then
            remove (queue, stream_id)
            -- Only a message that failed before has an error history
            if attempts > 1 then redis.call('DEL', errors) end
        end
        for output = 1, noutputs do
            if valid then
                at = store_output (at)
            else
                at = at + 5 + tonumber(ARGV[at + 4])
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
                       'reason', reason, 'attempts', attempts, 'failed_ms', ARGV[4],
                       'errors', cjson.encode(history), 'e', envelope)
        end
        at = at + 2
    end
    results[op] = valid and 'OK' or 'STALE'
end
for queue, list in pairs(acks) do
    if #list > 0 then redis.call('XACK', queue, group, unpack(list)) end
end
if backlog_change ~= 0 then
    redis.call('INCRBY', prefix .. 'backlog', backlog_change)
end
return results
