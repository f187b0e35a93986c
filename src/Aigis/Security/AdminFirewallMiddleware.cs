using Aigis.Core.Security.Firewall;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Aigis.Security;

/// <summary>The admin listener's CIDR lists (<c>security.firewall.admin</c>), checked before the admin credential.</summary>
internal sealed class AdminFirewallMiddleware(RequestDelegate next, SecurityState security)
{
    public Task InvokeAsync(HttpContext context)
    {
        var firewall = security.Config.Firewall;
        if (firewall.Admin.IsEmpty)
        {
            return next(context);
        }

        var peer = context.Connection.RemoteIpAddress ?? System.Net.IPAddress.IPv6None;
        var client = ClientAddressResolver.Resolve(peer, firewall.TrustedProxies, context.Request.Headers["Forwarded"].ToString(), context.Request.Headers["X-Forwarded-For"].ToString());
        if (CidrPolicy.Admits(firewall.Admin, client))
        {
            return next(context);
        }

        security.Metrics.FirewallDenied("cidr");
        return GatewayErrorWriter.WriteAsync(context, SecurityErrors.AddressDenied(context.TraceIdentifier));
    }
}
