-- claim.lua: takes deliveries for this broker that another attempt held
-- before: its own pending entries after a restart ("own"), entries idle
-- longer than the visibility time-out whoever holds them, i.e. a dead
-- broker's ("stale"), or the given ids ("ids", a worker of ours died).
-- Claiming counts a new delivery attempt.
--
-- ARGV: prefix, group, consumer, service, mode, min_idle_ms, max, [ids...]
-- Returns a flat array: stream_id, envelope, base_attempts, envelope_id,
-- delivery_count, repeated.
-- Taking anything adds one to prefix .. 'claims:' .. service, which every
-- fetch reads with its entries: complete.lua trusts an entry fetched since
-- the last claim to be still its fetcher's, without looking it up.

local prefix, group, consumer, service = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local mode, min_idle, max = ARGV[5], tonumber(ARGV[6]), tonumber(ARGV[7])
local queue = prefix .. 'q:' .. service
local pending
if mode == 'own' then
    pending = redis.call('XPENDING', queue, group, '-', '+', max, consumer)
elseif mode == 'stale' then
    -- Another broker's silent holdings only: what this broker holds (in
    -- flight or waiting for a worker) it renews, and must not take twice
    pending = {}
    for _, entry in ipairs(redis.call('XPENDING', queue, group, 'IDLE', min_idle, '-', '+', max)) do
        if entry[2] ~= consumer then pending[#pending + 1] = entry end
    end
else
    pending = {}
    for index = 8, #ARGV do
        local entry = redis.call('XPENDING', queue, group, ARGV[index], ARGV[index], 1)
        if #entry == 1 and entry[1][2] == consumer then
            pending[#pending + 1] = entry[1]
        end
    end
end

local result = {}
for _, entry in ipairs(pending) do
    local claimed = redis.call('XCLAIM', queue, group, consumer, 0, entry[1])
    local message = claimed[1]
    if message and message ~= false then
        local fields = {}
        for index = 1, #message[2], 2 do
            fields[message[2][index]] = message[2][index + 1]
        end
        result[#result + 1] = message[1]
        result[#result + 1] = fields['e']
        result[#result + 1] = fields['a'] or '0'
        result[#result + 1] = fields['i']
        result[#result + 1] = tonumber(entry[4]) + 1
    end
end
if #result > 0 then
    redis.call('INCR', prefix .. 'claims:' .. service)
end
return result
