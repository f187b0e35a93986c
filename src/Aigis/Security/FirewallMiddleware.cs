using Aigis.Core.Security.Bans;
using Aigis.Core.Security.Firewall;
using Aigis.Identity;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Aigis.Security;

/// <summary>
/// The first refusing stage of the public pipeline: resolves the client's address (believing forwarding headers only
/// from trusted proxies), refuses banned addresses and those the public CIDR lists exclude (a service's own lists
/// are checked once the service is known, by <see cref="ServiceFirewallMiddleware"/>), and after the request
/// counts what it ended in (an IDS block, a 401, any 4xx) toward a ban of that address.
/// </summary>
internal sealed partial class FirewallMiddleware(RequestDelegate next, SecurityState security, AuditWriter audit, TimeProvider timeProvider, ILogger<FirewallMiddleware> logger)
{
    /// <summary>Set by intrusion detection on a request it blocked, so the ban counts it as an IDS block.</summary>
    public static readonly object IdsBlockedKey = new();

    public async Task InvokeAsync(HttpContext context)
    {
        var config = security.Config;
        var firewall = config.Firewall;
        var headers = context.Request.Headers;
        var peer = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.IPv6None;
        var client = firewall.TrustedProxies.Count == 0
            ? NetworkList.Normalize(peer)
            : ClientAddressResolver.Resolve(peer, firewall.TrustedProxies, headers["Forwarded"].ToString(), headers["X-Forwarded-For"].ToString());
        context.Features.Set(new ClientAddressFeature(client));

        if (security.Bans.IsBanned(client, out var ban))
        {
            security.Metrics.FirewallDenied("ban");
            await GatewayErrorWriter.WriteAsync(context, SecurityErrors.AddressBanned(context.TraceIdentifier, ban!.Until), PipelineStage.Firewall);
            return;
        }

        if (!CidrPolicy.Admits(firewall.Public, client))
        {
            security.Metrics.FirewallDenied("cidr");
            audit.Record(SecurityAudit.Denied(context, "address_denied", timeProvider.GetUtcNow()));
            await GatewayErrorWriter.WriteAsync(context, SecurityErrors.AddressDenied(context.TraceIdentifier), PipelineStage.Firewall);
            return;
        }

        await next(context);

        var status = context.Response.StatusCode;
        // 429 is the gateway shedding load or enforcing a quota, not the client misbehaving: it never counts.
        if (status is < 400 or >= 500 or StatusCodes.Status429TooManyRequests || context.Features.Get<RequestRecord>()?.RefusedBy == PipelineStage.Firewall)
        {
            return;
        }

        var offense = context.Items.ContainsKey(IdsBlockedKey) ? Offense.IdsBlock : status == StatusCodes.Status401Unauthorized ? Offense.AuthFailure : Offense.ClientError;
        if (security.Bans.Record(client, offense) is { } created)
        {
            audit.Record(SecurityAudit.Banned(created, context.TraceIdentifier));
            Log.Banned(logger, client.ToString(), created.Reason.ToString(), created.Until, created.Count);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Banned {Client} for {Reason} until {Until} (ban {Count})")]
        public static partial void Banned(ILogger logger, string client, string reason, DateTimeOffset until, int count);
    }
}
