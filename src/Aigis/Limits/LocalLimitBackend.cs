using Aigis.Core.Limits;

namespace Aigis.Limits;

/// <summary>
/// Limits decided in this process, on the entries' own GCRA counters: right for one gateway, and what a replica
/// whose limits are shared falls back to by policy. Completes synchronously: no allocation per decision.
/// </summary>
internal sealed class LocalLimitBackend(LimitRegistry registry) : ILimitBackend
{
    public ValueTask<RateLimitDecision> AdmitAsync(LimitEntry? tenant, LimitEntry? key, long reservedTokens) =>
        ValueTask.FromResult(RateLimitAdmission.Admit(tenant?.Windows, key?.Windows, registry.Now, reservedTokens));

    public ValueTask ChargeTokensAsync(LimitEntry? tenant, LimitEntry? key, long tokens)
    {
        if (tokens != 0)
        {
            var now = registry.Now;
            tenant?.Windows.ChargeTokens(now, tokens);
            key?.Windows.ChargeTokens(now, tokens);
        }

        return ValueTask.CompletedTask;
    }
}
