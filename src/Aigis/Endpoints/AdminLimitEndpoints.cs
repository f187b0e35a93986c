using Aigis.Core.Limits;
using Aigis.Limits;
using Aigis.Pipeline;
using Aigis.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/limits[?tenant=T|?key=ID]</c>: the live counters of the tenants and keys that have limits and were
/// used within their windows: each window's count, what is left and when it resets, and requests in flight. A tenant
/// that is not listed has no limits or has not been used in its windows (its counts would all read zero).
/// </summary>
internal sealed class AdminLimitEndpoints(LimitRegistry registry, TimeProvider time)
{
    public void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/admin/v1/limits", new RequestDelegate(ListAsync)).WithSummary("Live limit counters per tenant and key: used, remaining, reset time, in flight (?tenant, ?key, ?limit, ?cursor).");

    private Task ListAsync(HttpContext context)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error))
        {
            return GatewayErrorWriter.WriteAsync(context, error);
        }

        var tenant = AdminPaging.Filter(context, "tenant");
        var key = AdminPaging.Filter(context, "key");
        var now = time.GetUtcNow();
        var entries = registry.Entries()
            .Where(e => (tenant is null && key is null) || (e.Scope == "tenant" && e.Subject == tenant) || (e.Scope == "key" && e.Subject == key))
            .Select(e => View(e.Scope, e.Subject, e.Entry, registry.Now, now));
        var (items, next) = AdminPaging.Page(entries, v => v.Scope + "\u0001" + v.Subject, page);
        return Results.Json(new LimitList("list", items, next), LimitJsonContext.Default.LimitList).ExecuteAsync(context);
    }

    // The counters keep time in microseconds on the limiters' monotonic clock; resets are shown as wall-clock times.
    private static LimitView View(string scope, string subject, LimitEntry entry, long clock, DateTimeOffset now)
    {
        var windows = new List<LimitWindowView>(3);
        Add(windows, "requests_per_minute", entry.Windows.RequestsPerMinute, clock, now);
        Add(windows, "tokens_per_minute", entry.Windows.TokensPerMinute, clock, now);
        Add(windows, "tokens_per_day", entry.Windows.TokensPerDay, clock, now);
        return new LimitView(scope, subject, entry.InFlight, entry.Windows.Limits.ConcurrentRequests, windows);
    }

    private static void Add(List<LimitWindowView> windows, string kind, GcraCounter? counter, long clock, DateTimeOffset now)
    {
        if (counter is null)
        {
            return;
        }

        var state = counter.Peek(clock);
        windows.Add(new LimitWindowView(kind, state.Limit, state.Limit - state.Remaining, state.Remaining, now + state.ResetAfter));
    }
}
