using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Aigis.Hosting;

internal static class KestrelListen
{
    /// <summary>Binds Kestrel to a listener URL from the config (validated: http, IP or localhost, no path).</summary>
    public static void Bind(KestrelServerOptions kestrel, Uri url)
    {
        var host = url.Host.Trim('[', ']');
        var address = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" => IPAddress.Any,
            _ => IPAddress.Parse(host),
        };
        kestrel.Listen(address, url.Port);
    }
}
