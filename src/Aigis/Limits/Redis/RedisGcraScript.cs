using StackExchange.Redis;

namespace Aigis.Limits.Redis;

/// <summary>
/// The one Lua script every Redis limit decision runs: GCRA (<see cref="Core.Limits.Gcra"/>, the same arithmetic)
/// over all of a request's limits at once, all or nothing, in one round trip. Redis runs a script atomically, so
/// replicas deciding at the same moment never both take the last unit, and its own clock (<c>TIME</c>) is the one
/// clock every replica's limits run on, whatever the skew between their hosts.
/// </summary>
/// <remarks>
/// ARGV: operation (<c>admit</c> or <c>charge</c>), the clock's origin in Unix seconds, then four values per key:
/// limit, window in microseconds, room, amount. The reply: admitted (1/0), the 1-based index of the refusing key
/// (0 if none), then per key its remaining units, microseconds until wholly replenished, and microseconds until
/// <c>room</c> units are free. TATs are stored with 17 significant digits (exact doubles) and expire once
/// replenished, so an idle tenant costs Redis nothing and a reservation of a replica that died drains on its own.
/// All keys of one call must live on one server: Redis Cluster is not supported.
/// </remarks>
internal static class RedisGcraScript
{
    /// <summary>2026-01-01T00:00:00Z: microseconds from here stay far below 2^53 for centuries.</summary>
    public const long OriginUnixSeconds = 1_767_225_600;

    public const int ValuesPerKey = 4;

    public const string Text = """
        local t = redis.call('TIME')
        local now = (tonumber(t[1]) - tonumber(ARGV[2])) * 1000000 + tonumber(t[2])
        local admit = ARGV[1] == 'admit'
        local n = #KEYS
        local tats = {}
        local refused = 0
        for i = 1, n do
          local b = 2 + (i - 1) * 4
          local limit = tonumber(ARGV[b + 1])
          local window = tonumber(ARGV[b + 2])
          local room = tonumber(ARGV[b + 3])
          local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
          if tat < now then tat = now end
          tats[i] = tat
          if admit and refused == 0 and (tat - now) + room * (window / limit) > window + 1 then
            refused = i
          end
        end
        local reply = {refused == 0 and 1 or 0, refused}
        for i = 1, n do
          local b = 2 + (i - 1) * 4
          local limit = tonumber(ARGV[b + 1])
          local window = tonumber(ARGV[b + 2])
          local room = tonumber(ARGV[b + 3])
          local amount = tonumber(ARGV[b + 4])
          local interval = window / limit
          local tat = tats[i]
          if refused == 0 then
            tat = tat + amount * interval
            if tat < now then tat = now end
            if tat > now then
              redis.call('SET', KEYS[i], string.format('%.17g', tat), 'PX', math.ceil((tat - now) / 1000) + 1000)
            else
              redis.call('DEL', KEYS[i])
            end
          end
          local level = tat - now
          local remaining = math.floor((window - level) / interval + 1e-9)
          if remaining < 0 then remaining = 0 end
          if remaining > limit then remaining = limit end
          local wait = level + room * interval - window
          if wait < 0 then wait = 0 end
          reply[#reply + 1] = remaining
          reply[#reply + 1] = math.ceil(level)
          reply[#reply + 1] = math.ceil(wait)
        end
        return reply
        """;

    /// <summary>
    /// Loads the script on every server and runs it once on a probe key, so a Redis that cannot run it (scripting
    /// disabled, a proxy that refuses EVAL) stops the start with a clear message instead of limits that silently
    /// become per-replica. Throws <see cref="SharedStateUnavailableException"/>.
    /// </summary>
    public static async Task VerifyAsync(IConnectionMultiplexer redis, string endpoints, Func<string, string> redact)
    {
        var probe = new RedisKey("aigis:limit:probe:" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var server in redis.GetServers())
            {
                await server.ScriptLoadAsync(Text);
            }

            var database = redis.GetDatabase();
            var reply = (RedisResult[])(await database.ScriptEvaluateAsync(Text, [probe], ["admit", OriginUnixSeconds, 2, 60_000_000, 1, 1]))!;
            await database.KeyDeleteAsync(probe);
            if (reply.Length != 5 || (long)reply[0] != 1 || (long)reply[2] != 1)
            {
                throw new SharedStateUnavailableException(
                    $"state.redis {endpoints}: the limits script ran but answered [{string.Join(",", reply.Select(r => r.ToString()))}], not a GCRA decision; aigis will not start with limits it cannot share");
            }
        }
        catch (RedisException e)
        {
            throw new SharedStateUnavailableException(
                $"state.redis {endpoints}: cannot run the limits script ({redact(e.Message.Split('\n')[0])}); aigis will not start, because limits decided per replica would multiply by the replica count", e);
        }
    }
}
