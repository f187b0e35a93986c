using System.Runtime.CompilerServices;

namespace Aigis.Core.Limits;

/// <summary>
/// The outcome of admitting one request against a tenant's and a key's counters: either every counter took
/// its share, or none did. <see cref="Requests"/> and <see cref="Tokens"/> are the tightest windows seen, for
/// the <c>x-ratelimit-*</c> headers.
/// </summary>
public readonly record struct RateLimitDecision(
    bool Admitted,
    LimitScope RefusedScope,
    LimitKind RefusedKind,
    WindowState Refused,
    WindowState? Requests,
    WindowState? Tokens)
{
    /// <summary>
    /// How long to wait: until the refusing limit has room again; a second for concurrency, which frees up when any
    /// request ends, and for a store that could not answer.
    /// </summary>
    public TimeSpan RetryAfter => RefusedKind is LimitKind.Concurrency or LimitKind.StoreUnavailable ? TimeSpan.FromSeconds(1) : Refused.RetryAfter;

    public static RateLimitDecision Refuse(LimitScope scope, LimitKind kind, WindowState refused, WindowState? requests = null, WindowState? tokens = null) =>
        new(false, scope, kind, refused, requests, tokens);
}

/// <summary>Admits a request against the in-memory limits of its tenant and its key, all or nothing.</summary>
public static class RateLimitAdmission
{
    /// <param name="now">Microseconds on the owner's monotonic clock.</param>
    /// <param name="reservedTokens">Tokens charged at admission: the counted prompt, plus the request's
    /// <c>max_tokens</c> when it set one (0 when not counted).</param>
    /// <remarks>
    /// Each counter takes its share under its own lock; when one refuses, the shares already taken are refunded,
    /// so a refused request costs no one anything. Tokens need only one left to admit: the prompt is an
    /// estimate and the completion unknown, and the real usage is charged when the response ends.
    /// </remarks>
    public static RateLimitDecision Admit(LimitSubject? tenant, LimitSubject? key, long now, long reservedTokens)
    {
        var taken = new TakenBuffer();
        var count = 0;
        WindowState? requests = null, tokens = null;
        for (var s = 0; s < 2; s++)
        {
            var subject = s == 0 ? tenant : key;
            if (subject is null)
            {
                continue;
            }

            for (var c = 0; c < 3; c++)
            {
                var (counter, kind, amount) = c switch
                {
                    0 => (subject.RequestsPerMinute, LimitKind.Requests, 1L),
                    1 => (subject.TokensPerMinute, LimitKind.Tokens, reservedTokens),
                    _ => (subject.TokensPerDay, LimitKind.TokensPerDay, reservedTokens),
                };
                if (counter is null)
                {
                    continue;
                }

                if (!counter.TryTake(now, 1, amount, out var state))
                {
                    for (var i = 0; i < count; i++)
                    {
                        taken[i].Counter.Charge(now, -taken[i].Amount);
                    }

                    // The refusing window is the one the client must hear about.
                    return kind == LimitKind.Requests
                        ? RateLimitDecision.Refuse(s == 0 ? LimitScope.Tenant : LimitScope.Key, kind, state, state, tokens)
                        : RateLimitDecision.Refuse(s == 0 ? LimitScope.Tenant : LimitScope.Key, kind, state, requests, state);
                }

                taken[count++] = new Taken(counter, amount);
                if (kind == LimitKind.Requests)
                {
                    requests = Tightest(requests, state);
                }
                else
                {
                    tokens = Tightest(tokens, state);
                }
            }
        }

        return new RateLimitDecision(true, default, default, default, requests, tokens);
    }

    private static WindowState Tightest(WindowState? current, WindowState candidate) =>
        current is { } c && c.Remaining <= candidate.Remaining ? c : candidate;

    private readonly record struct Taken(GcraCounter Counter, long Amount);

    // Six counters at most (three per subject), without a heap array per request.
    [InlineArray(6)]
    private struct TakenBuffer
    {
        private Taken _first;
    }
}
