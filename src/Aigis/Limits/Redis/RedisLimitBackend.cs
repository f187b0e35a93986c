using Aigis.Core.Configuration;
using Aigis.Core.Limits;
using Aigis.Identity;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Aigis.Limits.Redis;

/// <summary>
/// Request and token limits decided in Redis, shared by every gateway replica pointed at it: one script call
/// (<see cref="RedisGcraScript"/>) per admission, one per end-of-response charge. When Redis cannot answer within
/// <see cref="StateConfig.Timeout"/>, each limit follows its <c>onStoreFailure</c>: fail-open enforces this
/// replica's share (limit / replicas) in memory, fail-closed refuses with 503 <c>limits_unavailable</c>. Either
/// way the event is logged once per outage, counted (<c>aigis.limit.store_failures</c>) and shown by
/// <c>/readyz</c>; a limit is never silently switched off.
/// </summary>
internal sealed class RedisLimitBackend(IConnectionMultiplexer redis, StateConfig config, LimitRegistry registry, IdentityMetrics metrics, TimeProvider timeProvider, ILogger logger)
    : ILimitBackend
{
    private readonly IDatabase _database = redis.GetDatabase();
    private readonly RedisOutage _outage = new(config, timeProvider, logger);

    /// <summary>Where the connection stands, for <c>/readyz</c>.</summary>
    public string Describe() => _outage.Describe(redis.IsConnected);

    public async ValueTask<RateLimitDecision> AdmitAsync(LimitEntry? tenant, LimitEntry? key, long reservedTokens)
    {
        var call = new RedisLimitCall(tenant, key, reservedTokens, config.Replicas, admit: true);
        if (call.Count == 0)
        {
            return new RateLimitDecision(true, default, default, default, null, null);
        }

        try
        {
            var reply = (RedisResult[])(await _database.ScriptEvaluateAsync(RedisGcraScript.Text, call.Keys, call.Values).WaitAsync(config.Timeout, timeProvider))!;
            _outage.Ended();
            return call.Decode(reply);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // A timed-out call may still land in Redis later and count this request there too: the error is on
            // the side of enforcing, never of letting more through.
            _outage.Failed(e);
            return Fallback(call, tenant, key, reservedTokens);
        }
    }

    public async ValueTask ChargeTokensAsync(LimitEntry? tenant, LimitEntry? key, long tokens)
    {
        var call = new RedisLimitCall(tenant, key, tokens, config.Replicas, admit: false);
        if (call.Count == 0)
        {
            return;
        }

        try
        {
            await _database.ScriptEvaluateAsync(RedisGcraScript.Text, call.Keys, call.Values).WaitAsync(config.Timeout, timeProvider);
            _outage.Ended();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Fail-open limits keep counting locally; a fail-closed one refuses until Redis answers, so what is
            // lost here is one response's correction, not a limit.
            _outage.Failed(e);
            if (config.TokensOnStoreFailure == StoreFailurePolicy.FailOpen)
            {
                var now = registry.Now;
                tenant?.Shared(config.Replicas).Fallback.ChargeTokens(now, tokens);
                key?.Shared(config.Replicas).Fallback.ChargeTokens(now, tokens);
            }
        }
    }

    private RateLimitDecision Fallback(RedisLimitCall call, LimitEntry? tenant, LimitEntry? key, long reservedTokens)
    {
        if (call.FailClosed(config) is { } closed)
        {
            metrics.LimitStoreFailure(closed.Kind == LimitKind.Requests ? "requests" : "tokens", "fail-closed");
            return RateLimitDecision.Refuse(closed.Scope, LimitKind.StoreUnavailable, new WindowState(closed.Limit, 0, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        }

        metrics.LimitStoreFailure(call.HasRequests ? "requests" : "tokens", "fail-open");
        return RateLimitAdmission.Admit(tenant?.Shared(config.Replicas).Fallback, key?.Shared(config.Replicas).Fallback, registry.Now, reservedTokens);
    }
}
