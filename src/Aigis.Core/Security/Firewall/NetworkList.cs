using System.Net;

namespace Aigis.Core.Security.Firewall;

/// <summary>CIDR blocks and single addresses, matched against client addresses (IPv4 and IPv6).</summary>
public static class NetworkList
{
    /// <summary>Parses <c>10.0.0.0/8</c>, <c>2001:db8::/32</c>, or a single address (a /32 or /128).</summary>
    public static bool TryParse(string text, out IPNetwork network)
    {
        text = text.Trim();
        if (text.Contains('/', StringComparison.Ordinal))
        {
            // IPNetwork refuses a block with host bits set (10.1.2.3/8); people write those, so mask them.
            var slash = text.IndexOf('/', StringComparison.Ordinal);
            if (IPAddress.TryParse(text.AsSpan(0, slash), out var baseAddress) &&
                int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix) &&
                prefix >= 0 && prefix <= (baseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128))
            {
                network = new IPNetwork(Mask(baseAddress, prefix), prefix);
                return true;
            }

            network = default;
            return false;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            address = Normalize(address);
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        network = default;
        return false;
    }

    /// <summary>IPv4 addresses that arrive on a dual-stack socket as ::ffff:a.b.c.d are matched as IPv4.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress address)
    {
        for (var i = 0; i < networks.Count; i++)
        {
            if (networks[i].Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }

        return new IPAddress(bytes);
    }
}
