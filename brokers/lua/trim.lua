-- trim.lua: removes the entries of a service's queue that every broker is
-- done with: acknowledged (completed, retried elsewhere or dead-lettered)
-- and older than anything still pending or not yet delivered.
--
-- ARGV: prefix, group, service
-- Returns the number of entries removed. Approximate (~): whole stream
-- nodes only, four times cheaper than exact; the rest go in a later trim.

local prefix, group, service = ARGV[1], ARGV[2], ARGV[3]
local queue = prefix .. 'q:' .. service
local summary = redis.call('XPENDING', queue, group)
local oldest = summary[2]
if not oldest then
    -- Nothing pending: everything up to the last delivered entry is done
    local groups = redis.call('XINFO', 'GROUPS', queue)
    for _, info in ipairs(groups) do
        local fields = {}
        for index = 1, #info, 2 do fields[info[index]] = info[index + 1] end
        if fields['name'] == group then
            local last = fields['last-delivered-id']
            local ms, seq = string.match(last, '^(%d+)-(%d+)$')
            if not ms or last == '0-0' then return 0 end
            oldest = ms .. '-' .. (tonumber(seq) + 1)
        end
    end
    if not oldest then return 0 end
end
return redis.call('XTRIM', queue, 'MINID', '~', oldest)
