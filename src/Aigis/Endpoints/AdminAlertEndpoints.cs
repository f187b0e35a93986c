using System.Globalization;
using Aigis.Alerts;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/alerts</c>: the alerts pending or firing now; <c>GET /admin/v1/alerts/history?limit=N</c>: the
/// firing and resolved events, newest first.
/// </summary>
internal sealed class AdminAlertEndpoints(AlertEvaluator evaluator, IAlertStore store)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/v1/alerts", new RequestDelegate(CurrentAsync));
        endpoints.MapGet("/admin/v1/alerts/history", new RequestDelegate(HistoryAsync));
    }

    private Task CurrentAsync(HttpContext context)
    {
        var entries = evaluator.Active
            .Select(a => new AlertEntry(a.Alert, a.State, AlertNotification.SeverityName(a.Severity), AlertNotification.LabelsOf(a.By, a.Group), a.Value, a.Expression, a.Summary, a.Since))
            .ToArray();
        return Results.Json(new AlertList("list", entries), AlertJsonContext.Default.AlertList).ExecuteAsync(context);
    }

    private async Task HistoryAsync(HttpContext context)
    {
        var limit = DefaultLimit;
        if (context.Request.Query.TryGetValue("limit", out var limitText) &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            await GatewayErrorWriter.WriteAsync(context, AdminErrors.InvalidField("limit", $"limit must be a whole number from 1 to {MaxLimit}."));
            return;
        }

        // Read your writes: events decided before this call are in the answer.
        await evaluator.Notifier.FlushAsync().WaitAsync(context.RequestAborted);
        var events = await store.ReadAlertEventsAsync(limit, context.RequestAborted);
        var entries = events
            .Select(e => new AlertHistoryEntry(e.Id, e.Status, e.Alert, AlertNotification.SeverityName(e.Severity), AlertNotification.LabelsOf(e.By, e.Group), e.Value, e.StartsAt, e.At))
            .ToArray();
        await Results.Json(new AlertHistoryList("list", entries), AlertJsonContext.Default.AlertHistoryList).ExecuteAsync(context);
    }
}
