namespace Aigis.Core.Configuration;

/// <summary>Where the hot state gateway replicas share (request and token limits) is kept.</summary>
public enum StateBackend
{
    /// <summary>In this process: right for one gateway (the default).</summary>
    Memory,

    /// <summary>In Redis, so every replica pointed at it enforces one limit together.</summary>
    Redis,
}

/// <summary>What a limit does when Redis cannot answer within <see cref="StateConfig.Timeout"/>.</summary>
public enum StoreFailurePolicy
{
    /// <summary>
    /// Each replica enforces its share alone: the limit divided by <see cref="StateConfig.Replicas"/>, in memory. The
    /// limit still holds (roughly, if traffic is balanced); it is never switched off.
    /// </summary>
    FailOpen,

    /// <summary>Requests the limit governs are refused with 503 <c>limits_unavailable</c> until Redis answers again.</summary>
    FailClosed,
}

/// <summary>The <c>state</c> section. Needs a restart to change.</summary>
public sealed record StateConfig
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMilliseconds(50);

    public StateBackend Backend { get; init; } = StateBackend.Memory;

    /// <summary>
    /// Redis endpoints as <c>host:port,host:port</c>, optionally with <c>user=</c>, <c>password=</c>, <c>ssl=</c>;
    /// required with <see cref="StateBackend.Redis"/>. Never logged or echoed whole: it may hold a password.
    /// </summary>
    public string? Redis { get; init; }

    /// <summary>Longest a request waits for Redis to decide before the limit's failure policy applies.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Gateway replicas sharing the limits; a fail-open replica enforces limit / replicas on its own.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary><c>state.requests.onStoreFailure</c>: requests-per-minute limits.</summary>
    public StoreFailurePolicy RequestsOnStoreFailure { get; init; } = StoreFailurePolicy.FailOpen;

    /// <summary><c>state.tokens.onStoreFailure</c>: tokens-per-minute and per-day limits.</summary>
    public StoreFailurePolicy TokensOnStoreFailure { get; init; } = StoreFailurePolicy.FailOpen;

    /// <summary>Replaces the password in <paramref name="text"/> (an error message from the client, say) with <c>***</c>.</summary>
    public string Redact(string text)
    {
        foreach (var option in (Redis ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (option.StartsWith("password=", StringComparison.Ordinal) && option.Length > "password=".Length)
            {
                text = text.Replace(option["password=".Length..], "***", StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>The endpoints alone (<c>host:port,...</c>), safe to print: options such as a password left out.</summary>
    public string RedisEndpoints => Redis is null ? "" : string.Join(',', Redis.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(e => !e.Contains('=')));
}
