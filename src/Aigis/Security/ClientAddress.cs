using System.Net;
using Microsoft.AspNetCore.Http;

namespace Aigis.Security;

/// <summary>The client's address as the firewall resolved it (see <see cref="Core.Security.Firewall.ClientAddressResolver"/>).</summary>
internal sealed record ClientAddressFeature(IPAddress Address);

internal static class ClientAddressExtensions
{
    /// <summary>The resolved client address; the TCP peer when the firewall did not run (admin listener, tests of single stages).</summary>
    public static IPAddress ClientAddress(this HttpContext context) =>
        context.Features.Get<ClientAddressFeature>()?.Address ?? context.Connection.RemoteIpAddress ?? IPAddress.None;
}
