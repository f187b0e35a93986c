using System.Net;
using System.Net.Sockets;

namespace Aigis.Deployers;

/// <summary>Free TCP ports on 127.0.0.1 for replicas to listen on.</summary>
internal static class LoopbackPort
{
    /// <summary>Asks the system for a free port and releases it for the replica to bind.</summary>
    /// <remarks>
    /// Another process may bind the port between its release and the replica's bind; the replica then fails to
    /// start, exits, and is restarted on a fresh port. The command must be told its port (<c>{port}</c>), so the
    /// common trick of letting it bind port 0 and report the result is not available for arbitrary commands.
    /// </remarks>
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
