using System.Globalization;
using Aigis.Core.Limits;
using Microsoft.AspNetCore.Http;

namespace Aigis.Limits;

/// <summary>
/// OpenAI's rate-limit headers: <c>x-ratelimit-limit-requests</c>, <c>-remaining-requests</c>,
/// <c>-reset-requests</c> and the same for tokens, the reset as OpenAI writes it (<c>20ms</c>, <c>1s</c>,
/// <c>6m0s</c>); on a 429 also <c>Retry-After</c> in whole seconds. Set when the response starts, so they
/// replace any the model server sent (its limits are not the caller's).
/// </summary>
internal static class RateLimitHeaders
{
    public static void Apply(IHeaderDictionary headers, in RateLimitDecision decision)
    {
        if (decision.Requests is { } requests)
        {
            headers["x-ratelimit-limit-requests"] = requests.Limit.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = requests.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-requests"] = Reset(requests.ResetAfter);
        }

        if (decision.Tokens is { } tokens)
        {
            headers["x-ratelimit-limit-tokens"] = tokens.Limit.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = tokens.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-tokens"] = Reset(tokens.ResetAfter);
        }

        if (!decision.Admitted)
        {
            headers.RetryAfter = Seconds(decision.RetryAfter).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Whole seconds, rounded up, at least 1: a client that waits this long finds room in the limit.</summary>
    public static long Seconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));

    public static string Reset(TimeSpan after)
    {
        if (after < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (long)Math.Ceiling(after.TotalMilliseconds))}ms");
        }

        if (after < TimeSpan.FromMinutes(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Math.Round(after.TotalSeconds, 3)}s");
        }

        var seconds = (long)Math.Ceiling(after.TotalSeconds);
        return seconds < 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}m{seconds % 60}s")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}h{seconds / 60 % 60}m{seconds % 60}s");
    }
}
