/**
 * Lua scripts: each runs atomically, so the epoch, the stream and the notification always agree.
 * KEYS[1] is always the epoch key, KEYS[2] the topic's stream.
 */

/** SET NX a candidate epoch, then return whichever epoch won. ARGV: candidate. */
export const EPOCH_LUA = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
`;

/**
 * Append one event: XADD (when it creates the stream — a new topic, or one whose stream expired while idle — KEYS[3]
 * becomes `c:<the position just before it>`: any real id before it may have lost events, only `0-0` reads the whole
 * new stream), then trim to MAXLEN and by MINID (age), remembering in KEYS[3] the id of the newest entry
 * trimmed (Redis 7.0's max-deleted-entry-id only follows XDEL), refresh the TTLs, and PUBLISH the entry to the topic's
 * channel in the same atomic step (so notifications are in stream order).
 * KEYS: epoch, stream, trimmed-through. ARGV: candidate epoch, maxLen, maxAgeMs (0: none), channel, event, data, ttlMs,
 * the publish command (`PUBLISH`, or `SPUBLISH` on a cluster: the channel is in the keys' slot), the epoch key's TTL
 * (0: none; a cluster's per-topic epoch lives as long as the topic's data). Returns { epoch, id }.
 */
export const APPEND_LUA = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[1])
if tonumber(ARGV[9]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[9]) end
local fresh = redis.call('EXISTS', KEYS[2]) == 0
local id = redis.call('XADD', KEYS[2], '*', 'e', ARGV[5], 'd', ARGV[6])
if fresh then
  local dash = string.find(id, '-', 1, true)
  local ms = tonumber(string.sub(id, 1, dash - 1))
  local seq = tonumber(string.sub(id, dash + 1))
  local before
  if seq > 0 then before = string.format('%d-%d', ms, seq - 1) else before = string.format('%d-999999999999999', ms - 1) end
  redis.call('SET', KEYS[3], 'c:' .. before)
end
local maxLen = tonumber(ARGV[2])
local len = redis.call('XLEN', KEYS[2])
if len > maxLen then
  local removed = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', len - maxLen)
  redis.call('SET', KEYS[3], removed[#removed][1])
  redis.call('XTRIM', KEYS[2], 'MAXLEN', maxLen)
end
local maxAge = tonumber(ARGV[3])
if maxAge > 0 then
  local t = redis.call('TIME')
  local minMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - maxAge
  if minMs > 0 then
    local minId = string.format('%d', minMs)
    local older = redis.call('XREVRANGE', KEYS[2], '(' .. minId, '-', 'COUNT', 1)
    if #older > 0 then
      redis.call('SET', KEYS[3], older[1][1])
      redis.call('XTRIM', KEYS[2], 'MINID', minId)
    end
  end
end
redis.call('PEXPIRE', KEYS[2], ARGV[7])
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[7]) end
redis.call(ARGV[8], ARGV[4], epoch .. '\\n' .. id .. '\\n' .. ARGV[5] .. '\\n' .. ARGV[6])
return { epoch, id }
`;

/**
 * The epoch (created if missing) and the position of the topic's last event (last-generated-id, so a stream trimmed
 * empty still answers its true head). ARGV: candidate epoch, the epoch key's TTL when it is created (0: none).
 * Returns { epoch, id }.
 */
export const HEAD_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local epoch = redis.call('GET', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 0 then return { epoch, '0-0' } end
local info = redis.call('XINFO', 'STREAM', KEYS[2])
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then return { epoch, info[i + 1] } end
end
return { epoch, '0-0' }
`;

/**
 * Replay after a position. KEYS: epoch, stream, trimmed-through. ARGV: epoch of the id, position 'ms-seq', max count.
 * Returns { 'other-epoch' } | { 'expired' } | { 'ok', lastGeneratedId, trimmedThroughId, entries, present }, `present`
 * 1 when the entry at the position itself is in the stream (or the position is 0-0), else 0: an id this store issued
 * that is neither retained nor trimmed was lost (a failover to a replica that lacked it).
 */
export const READ_LUA = `
local epoch = redis.call('GET', KEYS[1])
if epoch ~= ARGV[1] then return { 'other-epoch' } end
if redis.call('EXISTS', KEYS[2]) == 0 then
  if ARGV[2] == '0-0' then return { 'ok', '0-0', '0-0', {} } end
  return { 'expired' }
end
local info = redis.call('XINFO', 'STREAM', KEYS[2])
local last = '0-0'
for i = 1, #info, 2 do
  if info[i] == 'last-generated-id' then last = info[i + 1] end
end
local deleted = redis.call('GET', KEYS[3]) or '0-0'
local present = 1
if ARGV[2] ~= '0-0' then present = #redis.call('XRANGE', KEYS[2], ARGV[2], ARGV[2], 'COUNT', 1) end
return { 'ok', last, deleted, redis.call('XRANGE', KEYS[2], '(' .. ARGV[2], '+', 'COUNT', ARGV[3]), present }
`;
