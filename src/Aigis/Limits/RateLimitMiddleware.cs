using System.Threading.RateLimiting;
using Aigis.Core.Identity;
using Aigis.Core.Limits;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Store;
using Microsoft.AspNetCore.Http;

namespace Aigis.Limits;

/// <summary>
/// The rate-limit stage, after authorization: the caller's tenant limits (all its keys together) and per-key
/// limits, each of requests per minute, tokens per minute and per day, and requests in flight. Prompt tokens
/// (counted by the stage before, when it runs) and the request's <c>max_tokens</c> are reserved at admission; when the response has ended, whatever
/// more was really used (the completion, a corrected prompt count) is charged too, so a long or streamed answer
/// is paid for in full and holds the next requests back until it has replenished. Requests and tokens are decided
/// by the <see cref="ILimitBackend"/> (in memory, or Redis shared by replicas); concurrency always here.
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, LimitRegistry registry, ILimitBackend backend, AuditWriter audit, IdentityMetrics metrics, TimeProvider timeProvider)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Caller() is not { } caller || context.Features.Get<TenantAccess>() is not { } access)
        {
            return next(context);
        }

        var tenant = access.Tenant;
        if (tenant.Limits.IsEmpty && tenant.KeyLimits.IsEmpty)
        {
            return next(context);
        }

        return AdmitAsync(context, caller, tenant);
    }

    private async Task AdmitAsync(HttpContext context, CallerIdentity caller, TenantDefinition tenant)
    {
        var tenantEntry = registry.EnterTenant(tenant.Name, tenant.Limits);
        var keyEntry = registry.EnterKey(caller.KeyId, tenant.KeyLimits);
        RateLimitLease? tenantLease = null, keyLease = null;
        var record = context.Record();
        // The reservation: the counted prompt plus the completion cap the caller set. Concurrent requests each hold
        // theirs from admission, so they cannot all pass on the same free tokens (checking before and charging only
        // after lets every one of them through); what was not used is given back when the response ends.
        var charged = Math.Max(record.PromptTokens, 0) + (context.Resolved()?.Body?.MaxTokens ?? 0);
        var admitted = false;
        try
        {
            if (!TryAcquire(tenantEntry, LimitScope.Tenant, ref tenantLease, out var refused) || !TryAcquire(keyEntry, LimitScope.Key, ref keyLease, out refused))
            {
                await RefuseAsync(context, caller, refused);
                return;
            }

            var decision = await backend.AdmitAsync(tenantEntry, keyEntry, charged);
            if (!decision.Admitted)
            {
                await RefuseAsync(context, caller, decision);
                return;
            }

            admitted = true;
            context.Response.OnStarting(static state =>
            {
                var (response, decision) = ((HttpResponse, RateLimitDecision))state;
                RateLimitHeaders.Apply(response.Headers, decision);
                return Task.CompletedTask;
            }, (context.Response, decision));
            await next(context);
        }
        finally
        {
            keyLease?.Dispose();
            tenantLease?.Dispose();
            if (admitted)
            {
                // What the stages after this one learned: usage from the response, or counted from its stream.
                // An answer from the cache (or shared with an identical request in flight) used no upstream compute:
                // it counts as a request, and the tokens reserved at admission are given back.
                var used = record.CacheResult is Caching.CacheResults.Hit or Caching.CacheResults.Coalesced
                    ? 0
                    : Math.Max(record.PromptTokens, 0) + Math.Max(record.CompletionTokens, 0);
                if (used != charged)
                {
                    await backend.ChargeTokensAsync(tenantEntry, keyEntry, used - charged);
                }
            }

            // Charged in full: the entries may expire once idle.
            tenantEntry?.Exit();
            keyEntry?.Exit();
        }
    }

    private static bool TryAcquire(LimitEntry? entry, LimitScope scope, ref RateLimitLease? lease, out RateLimitDecision refused)
    {
        refused = default;
        if (entry?.Concurrency is not { } limiter)
        {
            return true;
        }

        lease = limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            return true;
        }

        refused = RateLimitDecision.Refuse(scope, LimitKind.Concurrency, new WindowState(entry.Windows.Limits.ConcurrentRequests!.Value, 0, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        return false;
    }

    private Task RefuseAsync(HttpContext context, CallerIdentity caller, RateLimitDecision decision)
    {
        var error = LimitErrors.Refused(decision, caller.Tenant);
        var scope = decision.RefusedScope == LimitScope.Tenant ? "tenant" : "key";
        audit.Record(new AuditEvent(timeProvider.GetUtcNow(), AuditActions.LimitRefused, "refused", caller.KeyId, caller.Tenant, error.Code,
            context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString(),
            $"public {context.Request.Method} {Short(context.Request.Path.Value)} limit={scope} {LimitErrors.Name(decision.RefusedKind)} {decision.Refused.Limit}"));
        context.Response.OnStarting(static state =>
        {
            var (response, decision) = ((HttpResponse, RateLimitDecision))state;
            RateLimitHeaders.Apply(response.Headers, decision);
            return Task.CompletedTask;
        }, (context.Response, decision));
        metrics.LimitRefused(scope, LimitErrors.Name(decision.RefusedKind));
        return GatewayErrorWriter.WriteAsync(context, error, PipelineStage.RateLimit);
    }

    private static string Short(string? path) => path is null ? "/" : path.Length <= 100 ? path : path[..100] + "...";
}
