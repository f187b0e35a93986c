using Aigis.Core.Security.Firewall;
using Aigis.Identity;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Aigis.Security;

/// <summary>
/// The firewall's per-service CIDR lists (<c>security.firewall.services</c>), checked as soon as the request's
/// service is known: from the path for <c>/svc/NAME</c>, from the body's model for the OpenAI endpoints. A stage of
/// its own, so the lists hold whatever the intrusion-detection mode (wave one checked them inside intrusion
/// detection, and <c>security.mode: off</c> switched them off with it).
/// </summary>
internal sealed class ServiceFirewallMiddleware(RequestDelegate next, SecurityState security, AuditWriter audit, TimeProvider timeProvider)
{
    public Task InvokeAsync(HttpContext context)
    {
        var lists = security.Config.Firewall.Services;
        if (lists.Count == 0 || context.Resolved()?.ServiceName is not { } service || !lists.TryGetValue(service, out var serviceLists)
            || CidrPolicy.Admits(serviceLists, context.ClientAddress()))
        {
            return next(context);
        }

        security.Metrics.FirewallDenied("cidr");
        audit.Record(SecurityAudit.Denied(context, "address_denied", timeProvider.GetUtcNow()));
        return GatewayErrorWriter.WriteAsync(context, SecurityErrors.AddressDenied(context.TraceIdentifier), PipelineStage.Firewall);
    }
}
