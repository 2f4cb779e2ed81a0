"""The Lua scripts of the Redis store: every write, and every multi-key read, is one of them.

Redis runs a script as one step: no other client's command runs in between.
That is what keeps the lookup and the write of ``save_token`` together (two
processes saving the same new user at once cannot both miss and both insert)
and keeps a record and its index entries in step (no index entry left pointing
at an old value, no record that its index does not know).

Redis does not roll a script back if it fails halfway, so every script checks
all it needs (arguments, the user name being free) before its first write.

Key layout under the store's prefix ``{P}`` (values are never part of a key name):

- ``{P}rec:<id>``: a hash, one record. A field per non-None column, so a missing
  field is None and "" is "", and the field ``id`` always, so that a record whose
  other fields are all None still exists (Redis deletes an empty hash).
- ``{P}ids``: a set of every id: get_tokens and delete_tokens read it instead of
  scanning the keyspace.
- ``{P}by:<column>:<sha1 of value>``: a set of the ids whose column holds a value
  with that digest, for user_name, access_token, grant_token and refresh_token,
  the columns lookups use. The digest keeps credentials and 2,000-character
  values out of key names, which show up in SCAN, MONITOR, keyspace
  notifications and memory reports. A digest may be shared by two values, so
  a lookup compares the record's own value and never trusts the index alone;
  a set rather than a single id because two records may hold the same token.
"""

from __future__ import annotations

# Optional arguments travel as one string each: "-" is None, "=" + text is the
# text (so "" is "=", and the text "None" or "-" can never be mistaken for None).
NONE = "-"
VALUE = "="

_PRELUDE = """
local prefix = ARGV[1]
local INDEXED = {'user_name', 'access_token', 'grant_token', 'refresh_token'}
local function record_key(id) return prefix .. 'rec:' .. id end
local function index_key(column, value)
  return prefix .. 'by:' .. column .. ':' .. redis.sha1hex(value)
end
local function optional(arg)
  if arg == '-' then return false end
  if string.sub(arg, 1, 1) ~= '=' then error('bad optional argument') end
  return string.sub(arg, 2)
end
-- The id of a record whose column holds exactly value, or false. The index only
-- narrows the search; the record's own value decides.
local function holder(column, value)
  local ids = redis.call('SMEMBERS', index_key(column, value))
  table.sort(ids)
  for _, id in ipairs(ids) do
    if redis.call('HGET', record_key(id), column) == value then return id end
  end
  return false
end
-- The contract's order: the id if it names a record, else the one key the
-- caller computed (records.lookup_key), else nothing.
local function lookup(id, column, value)
  if id and redis.call('EXISTS', record_key(id)) == 1 then return id end
  if column ~= '' and value then return holder(column, value) end
  return false
end
local function remove(id)
  local key = record_key(id)
  for _, column in ipairs(INDEXED) do
    local value = redis.call('HGET', key, column)
    if value then redis.call('SREM', index_key(column, value), id) end
  end
  redis.call('DEL', key)
  redis.call('SREM', prefix .. 'ids', id)
end
"""

# ARGV: prefix, id, key column, key value -> the record as a flat field/value list, or nil.
FIND = (
    _PRELUDE
    + """
local id = lookup(optional(ARGV[2]), ARGV[3], optional(ARGV[4]))
if not id then return false end
return redis.call('HGETALL', record_key(id))
"""
)

# ARGV: prefix, id, key column, key value, fresh id, then the nine columns after
# the id in records.COLUMNS order, each optional.
# Returns {'ok', id of the record written}, {'user_taken', id of the name's owner} or
# {'id_taken', id} (a fresh id that is not fresh: nothing is written).
SAVE = (
    _PRELUDE
    + """
local FIELDS = {'user_name', 'client_id', 'client_secret', 'refresh_token', 'access_token',
                'grant_token', 'expiry_time', 'redirect_url', 'api_domain'}
local IS_INDEXED = {user_name = true, access_token = true, grant_token = true, refresh_token = true}
local given = optional(ARGV[2])
local incoming = {}
for i, field in ipairs(FIELDS) do incoming[field] = optional(ARGV[5 + i]) end
local id = lookup(given, ARGV[3], optional(ARGV[4]))
local inserting = not id
if inserting then
  id = given or ARGV[5]
  if redis.call('EXISTS', record_key(id)) == 1 then return {'id_taken', id} end
end
if incoming.user_name then
  local owner = holder('user_name', incoming.user_name)
  if owner and owner ~= id then return {'user_taken', owner} end
end
local key = record_key(id)
if inserting then
  redis.call('HSET', key, 'id', id)
  redis.call('SADD', prefix .. 'ids', id)
end
for _, field in ipairs(FIELDS) do
  local new = incoming[field]
  if new then
    local old = redis.call('HGET', key, field)
    if old ~= new then
      if IS_INDEXED[field] then
        if old then redis.call('SREM', index_key(field, old), id) end
        redis.call('SADD', index_key(field, new), id)
      end
      redis.call('HSET', key, field, new)
    end
  end
end
return {'ok', id}
"""
)

# ARGV: prefix, id. Removes the record and its index entries; an unknown id changes nothing.
DELETE = (
    _PRELUDE
    + """
remove(ARGV[2])
return 1
"""
)

# ARGV: prefix. Every record of this store, found through its id set, never by key pattern.
DELETE_ALL = (
    _PRELUDE
    + """
local ids = redis.call('SMEMBERS', prefix .. 'ids')
for _, id in ipairs(ids) do remove(id) end
redis.call('DEL', prefix .. 'ids')
return #ids
"""
)

# ARGV: prefix. Every record as a flat field/value list, read in one step (a consistent snapshot).
GET_ALL = (
    _PRELUDE
    + """
local records = {}
for i, id in ipairs(redis.call('SMEMBERS', prefix .. 'ids')) do
  records[i] = redis.call('HGETALL', record_key(id))
end
return records
"""
)
