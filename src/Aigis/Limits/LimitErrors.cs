using Aigis.Core.Limits;
using Aigis.Pipeline;

namespace Aigis.Limits;

/// <summary>The rate-limit stage's refusals, in OpenAI's shape (<c>type</c> says requests or tokens, as OpenAI's does).</summary>
internal static class LimitErrors
{
    public static GatewayError Refused(RateLimitDecision decision, string tenant)
    {
        var whose = decision.RefusedScope == LimitScope.Tenant ? $"tenant `{tenant}`" : "this API key";
        var wait = RateLimitHeaders.Seconds(decision.RetryAfter);
        return decision.RefusedKind switch
        {
            LimitKind.StoreUnavailable => new(503, "service_unavailable", "limits_unavailable",
                $"The shared limit store is unavailable and {whose}'s limits are configured to fail closed. Try again in {wait}s."),
            LimitKind.Concurrency => new(429, "requests", "concurrency_limit_exceeded",
                $"Too many requests in flight for {whose}: limit {decision.Refused.Limit} at once. Try again when one has finished."),
            LimitKind.Requests => new(429, "requests", "rate_limit_exceeded",
                $"Rate limit reached for {whose} on requests per minute (RPM): limit {decision.Refused.Limit}. Try again in {wait}s."),
            LimitKind.Tokens => new(429, "tokens", "rate_limit_exceeded",
                $"Rate limit reached for {whose} on tokens per minute (TPM): limit {decision.Refused.Limit}. Try again in {wait}s."),
            _ => new(429, "tokens", "rate_limit_exceeded",
                $"Rate limit reached for {whose} on tokens per day (TPD): limit {decision.Refused.Limit}. Try again in {wait}s."),
        };
    }

    public static string Name(LimitKind kind) => kind switch
    {
        LimitKind.Concurrency => "concurrency",
        LimitKind.StoreUnavailable => "store_unavailable",
        LimitKind.Requests => "rpm",
        LimitKind.Tokens => "tpm",
        _ => "tpd",
    };
}
