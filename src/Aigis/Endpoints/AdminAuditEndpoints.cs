using System.Globalization;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Serialization;
using Aigis.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/audit</c> and <c>GET /admin/v1/security/events</c>: the audit log newest first, a page at a time,
/// filtered by <c>since</c> (a time or an age such as <c>1h</c>), <c>action</c> (repeatable; <c>ban.*</c> for a
/// family), <c>actor</c>, <c>outcome</c> and <c>subject</c>. Security events are the same log, only its blocks,
/// bans and refusals.
/// </summary>
internal sealed class AdminAuditEndpoints(IAuditPages store, AuditWriter writer, TimeProvider timeProvider)
{
    public const int DefaultLimit = AdminPaging.DefaultLimit;
    public const int MaxLimit = AdminPaging.MaxLimit;

    /// <summary>The actions that are security events: firewall and IDS blocks, bans, refused credentials and access.</summary>
    public static readonly IReadOnlyList<string> SecurityActions =
        ["ids.*", "firewall.*", "ban.*", AuditActions.AuthRefused, AuditActions.AccessRefused];

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/v1/audit", (HttpContext c) => ReadAsync(c, null))
            .WithSummary("The audit log, newest first, a page at a time (?since, ?action, ?actor, ?outcome, ?subject, ?limit, ?cursor).");
        endpoints.MapGet("/admin/v1/security/events", (HttpContext c) => ReadAsync(c, SecurityActions))
            .WithSummary("Security events (blocks, bans, refused credentials), newest first, with the audit log's filters and paging.");
    }

    private async Task ReadAsync(HttpContext context, IReadOnlyList<string>? only)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error) || !TryBefore(page.After, out var before, out error)
            || !AdminPaging.TrySince(context, timeProvider, out var since, out error))
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        var actions = context.Request.Query["action"].Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).ToArray();
        if (actions.Any(a => a.Length > 64 || a.IndexOf('*') is >= 0 and var star && star != a.Length - 1))
        {
            await GatewayErrorWriter.WriteAsync(context, AdminErrors.InvalidField("action", "action is an action such as key.created, or a family such as ban.* (a '*' only at the end)."));
            return;
        }

        if (only is not null)
        {
            // Within the security events, an action filter narrows them; it never widens past them.
            actions = actions.Length == 0 ? [.. only] : actions.Where(a => only.Any(o => o == a || (o.EndsWith('*') && a.StartsWith(o[..^1], StringComparison.Ordinal)))).ToArray();
            if (actions.Length == 0)
            {
                await Results.Json(new AuditList("list", []), AdminJsonContext.Default.AuditList).ExecuteAsync(context);
                return;
            }
        }

        // Read your writes: what was decided before this call is in the answer.
        await writer.FlushAsync(context.RequestAborted);
        var query = new AuditQuery(page.Limit + 1, before, since, AdminPaging.Filter(context, "actor"), AdminPaging.Filter(context, "outcome"), AdminPaging.Filter(context, "subject"))
        {
            Actions = actions,
        };
        var events = await store.ReadAuditPageAsync(query, context.RequestAborted);
        var shown = events.Take(page.Limit).Select(e => new AuditEntry(e.Id, e.At, e.Action, e.Outcome, e.Actor, e.Subject, e.Reason, e.RequestId, e.Client, e.Detail)).ToArray();
        var next = events.Count > page.Limit ? AdminPaging.Encode(shown[^1].Id.ToString(CultureInfo.InvariantCulture)) : null;
        await Results.Json(new AuditList("list", shown, next), AdminJsonContext.Default.AuditList).ExecuteAsync(context);
    }

    private static bool TryBefore(string? text, out long? before, out GatewayError error)
    {
        before = null;
        error = default;
        if (text is null)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            before = id;
            return true;
        }

        error = AdminErrors.InvalidField("cursor", "cursor is not one this API gave out; pass the next_cursor of the previous page unchanged.");
        return false;
    }
}
