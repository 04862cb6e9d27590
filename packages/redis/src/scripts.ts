/**
 * The Lua scripts behind the store. Each runs atomically inside Redis, which is what lets one
 * round trip both check and act: take the lock and read, or check the lock and the version and
 * write. Replies are arrays whose first element names the outcome.
 *
 * A record key holds a hash: `r` is the record as JSON, `v` its version. Keeping the version in a
 * field of its own lets the scripts fence writes without decoding the JSON.
 */

/**
 * Refuses a record key that holds something other than a hash (or nothing); sets `kind`.
 * `onRefuse` runs before a refusal is returned (the commit script uses it to give up the lock).
 */
function checkKind(onRefuse: string): string {
  return `
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'none' and kind ~= 'hash' then ${onRefuse} return {'corrupt', kind} end
`;
}

/**
 * Compares the stored version with ARGV[expected], then replaces the record with
 * ARGV[expected + 1] (version) and ARGV[expected + 2] (JSON), expiring after ARGV[expected + 3] ms.
 */
function fencedSet(expected: number, onRefuse: string): string {
  return `
local current = 0
if kind == 'hash' then
  current = tonumber(redis.call('HGET', KEYS[1], 'v') or '')
  if redis.call('HEXISTS', KEYS[1], 'r') == 0 then current = nil end
end
if current == nil then ${onRefuse} return {'corrupt', 'hash without a version or record'} end
if current ~= tonumber(ARGV[${expected}]) then ${onRefuse} return {'conflict', current} end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[${expected + 1}], 'r', ARGV[${expected + 2}])
if ARGV[${expected + 3}] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[${expected + 3}]) end
`;
}

/**
 * Keeps the record at `KEYS[recordKey]` from expiring while its lock is held: a TTL shorter than
 * the lease (plus a second, so the lock always runs out first) is raised to that. A session whose
 * event began before its expiry is continued by that event, not reported as changed by another
 * writer when its key vanishes mid-event (docs/drivers/redis.md, "Expiry"). A record without a
 * TTL (-1) is left as it is.
 */
function keepAlive(recordKey: number, leaseArg: number): string {
  return `
local keep = tonumber(ARGV[${leaseArg}]) + 1000
local ttl = redis.call('PTTL', KEYS[${recordKey}])
if ttl > 0 and ttl < keep then redis.call('PEXPIRE', KEYS[${recordKey}], keep) end
`;
}

/**
 * KEYS: record, lock. ARGV: token, leaseMs.
 * Takes the lock if it is free, and reads the record in the same step; the record then outlives
 * the lock (see keepAlive).
 * Replies `{'ok'}` (no record), `{'ok', json, version}`, `{'busy', lockPttl}` or `{'corrupt', kind}`.
 */
export const BEGIN = `${checkKind('')}
if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {'busy', redis.call('PTTL', KEYS[2])}
end
if kind == 'none' then return {'ok'} end
${keepAlive(1, 2)}
return {'ok', redis.call('HGET', KEYS[1], 'r') or '', redis.call('HGET', KEYS[1], 'v') or ''}
`;

/**
 * KEYS: record, lock. ARGV: token, expectedVersion, newVersion, json, ttlMs ('0': no expiry).
 * Writes only while the lock is still ours and the version is still the one read, and gives the
 * lock up in the same step. Replies `{'ok'}`, `{'lost'}` (the lease ran out and the lock is not
 * ours any more), `{'conflict', storedVersion}` or `{'corrupt', what}`.
 */
export const COMMIT = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {'lost'} end
${checkKind("redis.call('DEL', KEYS[2])")}
${fencedSet(2, "redis.call('DEL', KEYS[2])")}
redis.call('DEL', KEYS[2])
return {'ok'}
`;

/**
 * KEYS: record. ARGV: expectedVersion, newVersion, json, ttlMs ('0': no expiry).
 * The fenced write without a lock (`SessionStore.write`). Replies as {@link COMMIT} without `lost`.
 */
export const WRITE = `${checkKind('')}
${fencedSet(1, '')}
return {'ok'}
`;

/**
 * KEYS: lock, record. ARGV: token, leaseMs. Extends the lease if the lock is still ours, and keeps
 * the record alive as long (see keepAlive); replies 1 or 0.
 */
export const EXTEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
${keepAlive(2, 2)}
return 1
`;

/** KEYS: lock. ARGV: token. Deletes the lock if it is still ours; replies 1 or 0. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/** The names the scripts are defined under on the client (namespaced to avoid collisions). */
export const SCRIPTS = {
  bottenderSessionBegin: { lua: BEGIN, numberOfKeys: 2 },
  bottenderSessionCommit: { lua: COMMIT, numberOfKeys: 2 },
  bottenderSessionWrite: { lua: WRITE, numberOfKeys: 1 },
  bottenderSessionExtend: { lua: EXTEND, numberOfKeys: 2 },
  bottenderSessionRelease: { lua: RELEASE, numberOfKeys: 1 },
} as const;

/** A script reply: the outcome name, then its details. */
export type ScriptReply = [string, ...(string | number)[]];

/** The client methods `defineCommand` adds for {@link SCRIPTS}. */
export interface ScriptCommands {
  bottenderSessionBegin(record: string, lock: string, token: string, leaseMs: number): Promise<ScriptReply>;
  bottenderSessionCommit(
    record: string,
    lock: string,
    token: string,
    expectedVersion: number,
    newVersion: number,
    json: string,
    ttlMs: number,
  ): Promise<ScriptReply>;
  bottenderSessionWrite(
    record: string,
    expectedVersion: number,
    newVersion: number,
    json: string,
    ttlMs: number,
  ): Promise<ScriptReply>;
  bottenderSessionExtend(lock: string, record: string, token: string, leaseMs: number): Promise<number>;
  bottenderSessionRelease(lock: string, token: string): Promise<number>;
}
