using System.Net;

namespace Aigis.Core.Security.Firewall;

/// <summary>
/// The client's address: the TCP peer, unless the peer is a trusted proxy, in which case the forwarding
/// headers are read right to left and the first address that is not itself a trusted proxy is the client.
/// </summary>
/// <remarks>
/// Right to left because each proxy appends what it saw: the leftmost entries are whatever the client chose
/// to send, so only the part the trusted chain wrote can be believed. From an untrusted peer the headers are
/// ignored entirely: anyone can write <c>X-Forwarded-For: 127.0.0.1</c>.
/// </remarks>
public static class ClientAddressResolver
{
    public static IPAddress Resolve(IPAddress peer, IReadOnlyList<IPNetwork> trustedProxies, string? forwarded, string? xForwardedFor)
    {
        peer = NetworkList.Normalize(peer);
        if (trustedProxies.Count == 0 || !NetworkList.Contains(trustedProxies, peer))
        {
            return peer;
        }

        var chain = forwarded is { Length: > 0 } ? ParseForwarded(forwarded) : xForwardedFor is { Length: > 0 } ? ParseXForwardedFor(xForwardedFor) : [];
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            if (chain[i] is not { } hop)
            {
                // A hop we cannot read (obfuscated, "unknown"): stop at the last proxy we could.
                return peer;
            }

            hop = NetworkList.Normalize(hop);
            if (!NetworkList.Contains(trustedProxies, hop))
            {
                return hop;
            }

            peer = hop;
        }

        return peer;
    }

    private static List<IPAddress?> ParseXForwardedFor(string header) =>
        [.. header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(ParseHost)];

    /// <summary>RFC 7239: <c>Forwarded: for=192.0.2.60;proto=http, for="[2001:db8::1]:4711"</c>.</summary>
    private static List<IPAddress?> ParseForwarded(string header)
    {
        var hops = new List<IPAddress?>();
        foreach (var element in header.Split(',', StringSplitOptions.TrimEntries))
        {
            IPAddress? address = null;
            foreach (var pair in element.Split(';', StringSplitOptions.TrimEntries))
            {
                if (pair.StartsWith("for=", StringComparison.OrdinalIgnoreCase))
                {
                    address = ParseHost(pair[4..].Trim('"'));
                }
            }

            hops.Add(address);
        }

        return hops;
    }

    /// <summary>An address, possibly with a port (<c>1.2.3.4:80</c>, <c>[2001:db8::1]:80</c>).</summary>
    private static IPAddress? ParseHost(string text)
    {
        if (IPAddress.TryParse(text, out var address))
        {
            return address;
        }

        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            return close > 0 && IPAddress.TryParse(text.AsSpan(1, close - 1), out address) ? address : null;
        }

        var colon = text.LastIndexOf(':');
        return colon > 0 && IPAddress.TryParse(text.AsSpan(0, colon), out address) ? address : null;
    }
}
