using Aigis.Core.Configuration;
using Aigis.Core.Limits;
using StackExchange.Redis;

namespace Aigis.Limits.Redis;

/// <summary>
/// One script call's arguments for a request's limits (tenant then key; requests, tokens per minute, tokens per
/// day, as the in-memory admission orders them), and the reading of its reply into a <see cref="RateLimitDecision"/>.
/// </summary>
internal sealed class RedisLimitCall
{
    private readonly Counter[] _counters;

    public RedisLimitCall(LimitEntry? tenant, LimitEntry? key, long tokens, int replicas, bool admit)
    {
        var found = new Counter[6];
        var count = 0;
        for (var s = 0; s < 2; s++)
        {
            if ((s == 0 ? tenant : key) is not { } entry)
            {
                continue;
            }

            var limits = entry.Windows.Limits;
            var keys = entry.Shared(replicas);
            // A charge after the response is tokens only: the request was counted at admission.
            if (admit)
            {
                Add(found, ref count, new Counter(entry.Scope, LimitKind.Requests, LimitWindow.Minute, limits.RequestsPerMinute ?? 0, keys.RequestsPerMinute, 1));
            }

            Add(found, ref count, new Counter(entry.Scope, LimitKind.Tokens, LimitWindow.Minute, limits.TokensPerMinute ?? 0, keys.TokensPerMinute, tokens));
            Add(found, ref count, new Counter(entry.Scope, LimitKind.TokensPerDay, LimitWindow.Day, limits.TokensPerDay ?? 0, keys.TokensPerDay, tokens));
        }

        _counters = found.AsSpan(0, count).ToArray();
        Keys = new RedisKey[count];
        Values = new RedisValue[2 + (RedisGcraScript.ValuesPerKey * count)];
        Values[0] = admit ? "admit" : "charge";
        Values[1] = RedisGcraScript.OriginUnixSeconds;
        for (var i = 0; i < count; i++)
        {
            var counter = _counters[i];
            Keys[i] = counter.Key;
            var at = 2 + (RedisGcraScript.ValuesPerKey * i);
            Values[at] = counter.Limit;
            Values[at + 1] = (long)Gcra.WindowMicros(counter.Window);
            Values[at + 2] = 1;
            Values[at + 3] = counter.Amount;
        }

        static void Add(Counter[] found, ref int count, Counter counter)
        {
            // A limit the tenant or key does not have is no key in Redis.
            if (counter.Limit > 0)
            {
                found[count++] = counter;
            }
        }
    }

    public int Count => _counters.Length;

    public RedisKey[] Keys { get; }

    public RedisValue[] Values { get; }

    public bool HasRequests => Array.Exists(_counters, c => c.Kind == LimitKind.Requests);

    /// <summary>The first limit in this call whose policy is fail-closed, if any: the request is refused for it.</summary>
    public (LimitScope Scope, LimitKind Kind, long Limit)? FailClosed(StateConfig config)
    {
        foreach (var counter in _counters)
        {
            var policy = counter.Kind == LimitKind.Requests ? config.RequestsOnStoreFailure : config.TokensOnStoreFailure;
            if (policy == StoreFailurePolicy.FailClosed)
            {
                return (counter.Scope, counter.Kind, counter.Limit);
            }
        }

        return null;
    }

    public RateLimitDecision Decode(RedisResult[] reply)
    {
        if (reply.Length != 2 + (3 * _counters.Length))
        {
            throw new RedisException($"the limits script answered {reply.Length} values for {_counters.Length} limits");
        }

        WindowState? requests = null, tokens = null;
        for (var i = 0; i < _counters.Length; i++)
        {
            var counter = _counters[i];
            var at = 2 + (3 * i);
            var state = new WindowState(counter.Limit, (long)reply[at], Gcra.FromMicros((long)reply[at + 1]), Gcra.FromMicros((long)reply[at + 2]));
            if ((long)reply[1] == i + 1)
            {
                return counter.Kind == LimitKind.Requests
                    ? RateLimitDecision.Refuse(counter.Scope, counter.Kind, state, state, null)
                    : RateLimitDecision.Refuse(counter.Scope, counter.Kind, state, null, state);
            }

            if (counter.Kind == LimitKind.Requests)
            {
                requests = Tightest(requests, state);
            }
            else
            {
                tokens = Tightest(tokens, state);
            }
        }

        return new RateLimitDecision(true, default, default, default, requests, tokens);
    }

    private static WindowState Tightest(WindowState? current, WindowState candidate) =>
        current is { } c && c.Remaining <= candidate.Remaining ? c : candidate;

    private readonly record struct Counter(LimitScope Scope, LimitKind Kind, LimitWindow Window, long Limit, RedisKey Key, long Amount);
}
