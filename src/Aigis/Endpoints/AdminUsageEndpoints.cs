using Aigis.Limits;
using Aigis.Pipeline;
using Aigis.Serialization;
using Aigis.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/usage?tenant=T&amp;since=7d</c>: requests, tokens and spend per tenant per UTC day, from the
/// store's daily totals (so a month of data is a month of rows per tenant, not a scan of requests).
/// </summary>
internal sealed class AdminUsageEndpoints(IUsageStore store, UsageWriter writer, TimeProvider time)
{
    private static readonly TimeSpan s_defaultWindow = TimeSpan.FromDays(30);

    public void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/admin/v1/usage", new RequestDelegate(ReadAsync)).WithSummary("Usage and spend per tenant per UTC day (?tenant, ?since, default 30d; ?limit, ?cursor).");

    private async Task ReadAsync(HttpContext context)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error) || !AdminPaging.TrySince(context, time, out var since, out error))
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        var from = since ?? time.GetUtcNow() - s_defaultWindow;
        var day = new DateTimeOffset(from.UtcDateTime.Date, TimeSpan.Zero);
        var tenant = AdminPaging.Filter(context, "tenant");

        // Read your writes: what was charged before this call is in the answer.
        await writer.FlushAsync(context.RequestAborted);
        var rows = await store.ReadUsageAsync(day, context.RequestAborted);
        var prefix = UsageTotals.TenantSubject("");
        var days = rows
            .Where(r => r.Subject.StartsWith(prefix, StringComparison.Ordinal))
            .Select(r => new UsageDay(r.Subject[prefix.Length..], r.Day, r.Requests, r.PromptTokens, r.CompletionTokens, r.CostMicros / 1_000_000m))
            .Where(d => tenant is null || d.Tenant == tenant);
        var (items, next) = AdminPaging.Page(days, d => d.Tenant + "\u0001" + d.Day.ToUnixTimeSeconds().ToString("D12", System.Globalization.CultureInfo.InvariantCulture), page);
        await Results.Json(new UsageList("list", items, next), OperatorJsonContext.Default.UsageList).ExecuteAsync(context);
    }
}
