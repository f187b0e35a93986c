using System.Globalization;
using Aigis.Core.Identity;
using Aigis.Core.Limits;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Store;
using Microsoft.AspNetCore.Http;

namespace Aigis.Limits;

/// <summary>
/// Budgets, at admission: a request is refused with 429 <c>budget_exceeded</c> when its tenant's (or its key's)
/// spend in the budget's period has reached the budget (<c>&gt;=</c>). When a model response ends, its cost
/// (counted prompt and completion tokens at the model's prices) is charged to the tenant and the key, in
/// memory at once and to the store in batches by <see cref="UsageWriter"/>. A streamed response is charged what
/// the answer showed it used (Proxy/ResponseMeter), so a long stream is paid for in full; it can take the spend past the budget
/// once, and the next request is refused.
/// </summary>
internal sealed class BudgetMiddleware(RequestDelegate next, SpendLedger ledger, UsageWriter usage, AuditWriter audit, IdentityMetrics metrics, TimeProvider timeProvider)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Caller() is not { } caller || context.Features.Get<TenantAccess>() is not { } access)
        {
            return next(context);
        }

        var tenant = access.Tenant;
        var now = timeProvider.GetUtcNow();
        var tenantSpend = ledger.EnterTenant(tenant.Name);

        // Every key's usage reaches the store; only a key budget needs the key's spend in memory.
        var keySpend = tenant.KeyBudget is null ? null : ledger.EnterKey(caller.KeyId);
        if (tenant.Budget is { } budget && !tenantSpend.Counter.Allows(budget, now))
        {
            Exit(tenantSpend, keySpend);
            return RefuseAsync(context, caller, budget, tenantSpend.Counter, "tenant", now);
        }

        if (tenant.KeyBudget is { } keyBudget && !keySpend!.Counter.Allows(keyBudget, now))
        {
            Exit(tenantSpend, keySpend);
            return RefuseAsync(context, caller, keyBudget, keySpend.Counter, "key", now);
        }

        if (context.Features.Get<MeteredModel>() is { } model)
        {
            return ChargeAfterAsync(context, caller, model, tenantSpend, keySpend);
        }

        Exit(tenantSpend, keySpend);
        return next(context);
    }

    private static void Exit(SpendSlot tenant, SpendSlot? key)
    {
        tenant.Exit();
        key?.Exit();
    }

    private async Task ChargeAfterAsync(HttpContext context, CallerIdentity caller, MeteredModel model, SpendSlot tenantSpend, SpendSlot? keySpend)
    {
        try
        {
            await next(context);
        }
        finally
        {
            var record = context.Record();

            // Nothing was sent upstream (refused by a later stage, no instance): nothing was used.
            if (record.Attempts > 0)
            {
                var prompt = Math.Max(record.PromptTokens, 0);
                var completion = Math.Max(record.CompletionTokens, 0);
                var cost = model.Usage.CostMicros(prompt, completion);
                var now = timeProvider.GetUtcNow();
                tenantSpend.Counter.Charge(now, cost);
                keySpend?.Counter.Charge(now, cost);
                usage.Record(new UsageRecord(caller.Tenant, caller.KeyId, now, prompt, completion, cost));
                metrics.Charged(prompt, completion, cost);
            }

            Exit(tenantSpend, keySpend);
        }
    }

    private Task RefuseAsync(HttpContext context, CallerIdentity caller, TenantBudget budget, SpendCounter spend, string scope, DateTimeOffset now)
    {
        var wait = BudgetPeriods.End(budget.Period, now) - now;
        var period = TenantBudget.PeriodName(budget.Period);
        var whose = scope == "tenant" ? $"tenant `{caller.Tenant}`" : "this API key";
        var error = new GatewayError(429, "insufficient_quota", "budget_exceeded",
            $"The {period}ly budget of {whose} is spent: ${Dollars(spend.Spent(budget.Period, now))} of ${Dollars(budget.LimitMicros)}. It renews at {BudgetPeriods.End(budget.Period, now):yyyy-MM-dd HH:mm}Z.");
        audit.Record(new AuditEvent(now, AuditActions.LimitRefused, "refused", caller.KeyId, caller.Tenant, error.Code,
            context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString(),
            $"public {context.Request.Method} {Short(context.Request.Path.Value)} limit={scope} budget ${Dollars(budget.LimitMicros)}/{period}"));
        context.Response.OnStarting(static state =>
        {
            var (response, seconds) = ((HttpResponse, long))state;
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }, (context.Response, RateLimitHeaders.Seconds(wait)));
        metrics.LimitRefused(scope, "budget");
        return GatewayErrorWriter.WriteAsync(context, error, PipelineStage.RateLimit);
    }

    private static string Dollars(long micros) => ((decimal)micros / TenantBudget.MicrosPerDollar).ToString("0.######", CultureInfo.InvariantCulture);

    private static string Short(string? path) => path is null ? "/" : path.Length <= 100 ? path : path[..100] + "...";
}
