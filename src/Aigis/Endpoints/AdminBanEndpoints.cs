using System.Net;
using System.Text.Json.Serialization;
using Aigis.Core.Security.Firewall;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Security;
using Aigis.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/bans</c> lists the bans in force; <c>DELETE /admin/v1/bans/{address}</c> lifts one
/// (recorded in the audit log with the admin key that did it).
/// </summary>
internal sealed class AdminBanEndpoints(SecurityState security, AuditWriter audit, TimeProvider timeProvider)
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/v1/bans", new RequestDelegate(ListAsync)).WithSummary("The bans in force, by address, a page at a time.");
        endpoints.MapDelete("/admin/v1/bans/{address}", new RequestDelegate(LiftAsync)).WithSummary("Lift a ban (audited).");
    }

    private Task ListAsync(HttpContext context)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error))
        {
            return GatewayErrorWriter.WriteAsync(context, error);
        }

        var bans = security.Bans.Active()
            .Select(b => new BanView(b.Address.ToString(), b.Since, b.Until, b.Count, b.Reason switch
            {
                Core.Security.Bans.Offense.IdsBlock => "ids_blocks",
                Core.Security.Bans.Offense.AuthFailure => "auth_failures",
                _ => "client_errors",
            }));
        var (items, next) = AdminPaging.Page(bans, b => b.Address, page);
        return Results.Json(new BanList("list", items, next), SecurityJsonContext.Default.BanList).ExecuteAsync(context);
    }

    private Task LiftAsync(HttpContext context)
    {
        var text = context.Request.RouteValues["address"] as string ?? "";
        if (!IPAddress.TryParse(Uri.UnescapeDataString(text), out var address))
        {
            return GatewayErrorWriter.WriteAsync(context, AdminErrors.InvalidField("address", "address must be an IPv4 or IPv6 address, e.g. 203.0.113.7 or 2001:db8::7."));
        }

        address = NetworkList.Normalize(address);
        if (!security.Bans.Lift(address))
        {
            var shown = address.ToString();
            return GatewayErrorWriter.WriteAsync(context, new GatewayError(404, "invalid_request_error", "ban_not_found", $"The address {shown} is not banned."));
        }

        audit.Record(SecurityAudit.Lifted(address.ToString(), context.Caller()?.KeyId ?? AuditActions.Anonymous, context.TraceIdentifier, timeProvider.GetUtcNow()));
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }
}

internal sealed record BanView(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("since")] DateTimeOffset Since,
    [property: JsonPropertyName("until")] DateTimeOffset Until,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("reason")] string Reason);

internal sealed record BanList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<BanView> Data,
    [property: JsonPropertyName("next_cursor")] string? NextCursor = null);

[JsonSerializable(typeof(BanList))]
internal sealed partial class SecurityJsonContext : JsonSerializerContext;
