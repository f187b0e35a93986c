using System.Globalization;
using Aigis.Core.Configuration;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Serialization;
using Aigis.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary><c>GET /admin/v1/audit?limit=N&amp;since=T</c>: the newest events first; <c>since</c> is a time (RFC 3339) or an age (<c>1h</c>).</summary>
internal sealed class AdminAuditEndpoints(IAuditStore store, AuditWriter writer, TimeProvider timeProvider)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public void Map(IEndpointRouteBuilder endpoints) => endpoints.MapGet("/admin/v1/audit", new RequestDelegate(ReadAsync));

    private async Task ReadAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText) &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            await GatewayErrorWriter.WriteAsync(context, AdminErrors.InvalidField("limit", $"limit must be a whole number from 1 to {MaxLimit}."));
            return;
        }

        DateTimeOffset? since = null;
        if (query.TryGetValue("since", out var sinceText))
        {
            if (DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                since = at;
            }
            else if (DurationParser.TryParse(sinceText.ToString(), out var age, out _))
            {
                since = timeProvider.GetUtcNow() - age;
            }
            else
            {
                await GatewayErrorWriter.WriteAsync(context, AdminErrors.InvalidField("since", "since must be a time such as 2025-01-31T12:00:00Z or an age such as 1h."));
                return;
            }
        }

        // Read your writes: what was decided before this call is in the answer.
        await writer.FlushAsync(context.RequestAborted);
        var events = await store.ReadAuditAsync(since, limit, context.RequestAborted);
        var entries = events.Select(e => new AuditEntry(e.Id, e.At, e.Action, e.Outcome, e.Actor, e.Subject, e.Reason, e.RequestId, e.Client, e.Detail)).ToArray();
        await Results.Json(new AuditList("list", entries), AdminJsonContext.Default.AuditList).ExecuteAsync(context);
    }
}
