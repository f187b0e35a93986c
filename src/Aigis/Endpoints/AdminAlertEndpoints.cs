using System.Globalization;
using Aigis.Alerts;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/alerts</c>: the alerts pending or firing now; <c>GET /admin/v1/alerts/history</c>: the firing and
/// resolved events, newest first. Both page with <c>?limit</c> and <c>?cursor</c>.
/// </summary>
internal sealed class AdminAlertEndpoints(AlertEvaluator evaluator, IAlertStore store)
{
    public const int DefaultLimit = AdminPaging.DefaultLimit;
    public const int MaxLimit = AdminPaging.MaxLimit;

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/v1/alerts", new RequestDelegate(CurrentAsync)).WithSummary("The alerts pending or firing now.");
        endpoints.MapGet("/admin/v1/alerts/history", new RequestDelegate(HistoryAsync)).WithSummary("Alert firing and resolved events, newest first, a page at a time.");
    }

    private Task CurrentAsync(HttpContext context)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error))
        {
            return GatewayErrorWriter.WriteAsync(context, error);
        }

        var entries = evaluator.Active
            .Select(a => new AlertEntry(a.Alert, a.State, AlertNotification.SeverityName(a.Severity), AlertNotification.LabelsOf(a.By, a.Group), a.Value, a.Expression, a.Summary, a.Since));
        var (items, next) = AdminPaging.Page(entries, e => e.Alert + "\u0001" + string.Join('\u0002', e.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)), page);
        return Results.Json(new AlertList("list", items, next), AlertJsonContext.Default.AlertList).ExecuteAsync(context);
    }

    private async Task HistoryAsync(HttpContext context)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error))
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        long? before = null;
        if (page.After is { } after)
        {
            if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                await GatewayErrorWriter.WriteAsync(context, AdminErrors.InvalidField("cursor", "cursor is not one this API gave out; pass the next_cursor of the previous page unchanged."));
                return;
            }

            before = id;
        }

        // Read your writes: events decided before this call are in the answer.
        await evaluator.Notifier.FlushAsync().WaitAsync(context.RequestAborted);
        var events = await store.ReadAlertEventsAsync(page.Limit + 1, before, context.RequestAborted);
        var entries = events.Take(page.Limit)
            .Select(e => new AlertHistoryEntry(e.Id, e.Status, e.Alert, AlertNotification.SeverityName(e.Severity), AlertNotification.LabelsOf(e.By, e.Group), e.Value, e.StartsAt, e.At))
            .ToArray();
        var next = events.Count > page.Limit ? AdminPaging.Encode(entries[^1].Id.ToString(CultureInfo.InvariantCulture)) : null;
        await Results.Json(new AlertHistoryList("list", entries, next), AlertJsonContext.Default.AlertHistoryList).ExecuteAsync(context);
    }
}
