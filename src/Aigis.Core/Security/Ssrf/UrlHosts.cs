using System.Net;
using System.Net.Sockets;

namespace Aigis.Core.Security.Ssrf;

/// <summary>What the host of a URL found in a value points at.</summary>
public enum UrlHostKind
{
    /// <summary>A name or a public address.</summary>
    External,

    /// <summary>Cloud metadata, loopback, link-local or the unspecified address: never a legitimate target from outside.</summary>
    Internal,

    /// <summary>A private address written in an encoding no one types by hand (decimal, octal, hex, short forms).</summary>
    ObfuscatedPrivate,
}

/// <summary>
/// Finds the URLs in a value and classifies their hosts the way a fetching server would resolve them, so
/// <c>http://2852039166/</c>, <c>http://0251.0376.0251.0376/</c>, <c>http://0xA9FEA9FE/</c>,
/// <c>http://[::ffff:a9fe:a9fe]/</c> and <c>http://169.254.169.254.nip.io/</c> are all the metadata service.
/// </summary>
/// <remarks>
/// IPv4 literals are read with inet_aton's rules (one to four parts, each decimal, 0-prefixed octal or
/// 0x-prefixed hex, the last part filling the remaining bytes), which is what curl, browsers' URL parsers
/// and most HTTP clients do. The authority ends at the first '/', '\\', '?' or '#' (WHATWG treats '\\' as
/// '/'), and user info ends at the last '@' before that, so <c>http://good.example@169.254.169.254/</c> and
/// <c>http://169.254.169.254#@good.example</c> both resolve to the address.
/// </remarks>
public static class UrlHosts
{
    private static readonly string[] s_internalNames =
    [
        "localhost", "metadata", "metadata.google.internal", "metadata.azure.internal", "instance-data", "instance-data.ec2.internal",
        "kubernetes.default", "kubernetes.default.svc",
    ];

    private static readonly System.Buffers.SearchValues<char> s_authorityEnd = System.Buffers.SearchValues.Create("/\\?# \t\r\n\"'<>");

    private static readonly string[] s_wildcardDns = [".nip.io", ".sslip.io", ".xip.io", ".localtest.me", ".lvh.me"];

    /// <summary>The worst host among the URLs (<c>scheme://authority</c>) in <paramref name="value"/>.</summary>
    public static UrlHostKind Classify(ReadOnlySpan<char> value)
    {
        var worst = UrlHostKind.External;
        var from = 0;
        // Bounded: each iteration moves past one "://", so the loop is linear in the value.
        while (from < value.Length)
        {
            var at = value[from..].IndexOf("://", StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            at += from;
            from = at + 3;
            if (at == 0 || !char.IsAsciiLetter(value[at - 1]))
            {
                continue;
            }

            var kind = ClassifyAuthority(Authority(value[from..]));
            if (kind == UrlHostKind.Internal)
            {
                return kind;
            }

            if (kind == UrlHostKind.ObfuscatedPrivate)
            {
                worst = kind;
            }
        }

        return worst;
    }

    private static ReadOnlySpan<char> Authority(ReadOnlySpan<char> rest)
    {
        var end = rest.IndexOfAny(s_authorityEnd);
        var authority = end < 0 ? rest : rest[..end];
        var at = authority.LastIndexOf('@');
        return at < 0 ? authority : authority[(at + 1)..];
    }

    /// <summary>Classifies a host with an optional port (<c>host</c>, <c>host:port</c>, <c>[v6]:port</c>).</summary>
    public static UrlHostKind ClassifyAuthority(ReadOnlySpan<char> authority)
    {
        ReadOnlySpan<char> host;
        if (authority.StartsWith("["))
        {
            var close = authority.IndexOf(']');
            host = close < 0 ? authority[1..] : authority[1..close];
            var zone = host.IndexOf('%');
            if (zone >= 0)
            {
                host = host[..zone];
            }

            return IPAddress.TryParse(host, out var v6) ? ClassifyAddress(v6, canonical: true) : UrlHostKind.External;
        }

        var colon = authority.LastIndexOf(':');
        host = colon < 0 ? authority : authority[..colon];
        host = host.TrimEnd('.');
        if (host.IsEmpty)
        {
            return UrlHostKind.External;
        }

        if (!System.Text.Ascii.IsValid(host))
        {
            // Full-width digits and dots (１６９．２５４...) and the ideographic full stop resolve as their ASCII
            // (IDNA maps them so). Folded by table: the process runs with invariant globalization, without NFKC.
            Span<char> folded = stackalloc char[Math.Min(host.Length, 256)];
            for (var i = 0; i < folded.Length; i++)
            {
                var c = host[i];
                folded[i] = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3002' or '\uFF61' => '.',
                    _ => c,
                };
            }

            return System.Text.Ascii.IsValid(folded) ? ClassifyAuthority(folded) : UrlHostKind.External;
        }

        if (LooksNumeric(host) && IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetwork)
        {
            return ClassifyAddress(address, canonical: IsDottedDecimal(host));
        }

        foreach (var name in s_internalNames)
        {
            if (host.Equals(name, StringComparison.OrdinalIgnoreCase) || (host.EndsWith(name, StringComparison.OrdinalIgnoreCase) && host[^(name.Length + 1)] == '.' && name == "localhost"))
            {
                return UrlHostKind.Internal;
            }
        }

        foreach (var suffix in s_wildcardDns)
        {
            if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                // 169.254.169.254.nip.io resolves to 169.254.169.254: classify the embedded address.
                var embedded = host[..^suffix.Length];
                var dots = 0;
                var start = embedded.Length;
                while (start > 0 && dots < 4)
                {
                    start--;
                    if (embedded[start] is '.' or '-')
                    {
                        dots++;
                    }
                }

                var candidate = (dots == 4 ? embedded[(start + 1)..] : embedded).ToString().Replace('-', '.');
                // A private address behind a wildcard name is obfuscation too.
                return IPAddress.TryParse(candidate, out var inner) ? ClassifyAddress(inner, canonical: false) : UrlHostKind.External;
            }
        }

        return UrlHostKind.External;
    }

    private static UrlHostKind ClassifyAddress(IPAddress address, bool canonical)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.Equals(IPAddress.IPv6Any) || IsAwsV6Metadata(address))
            {
                return UrlHostKind.Internal;
            }

            return UrlHostKind.External;
        }

        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        if (b[0] is 127 or 0 || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] == 100 && b[2] == 100 && b[3] == 200))
        {
            return UrlHostKind.Internal;
        }

        var isPrivate = b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xC0) == 64);
        return isPrivate && !canonical ? UrlHostKind.ObfuscatedPrivate : UrlHostKind.External;
    }

    // fd00:ec2::254, the EC2 instance metadata service over IPv6.
    private static bool IsAwsV6Metadata(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        return b[0] == 0xfd && b[1] == 0 && b[2] == 0x0e && b[3] == 0xc2 && b[15] == 0x54 && b[14] == 0x02;
    }

    private static bool LooksNumeric(ReadOnlySpan<char> host)
    {
        // Only digits, dots and hex letters after an 0x: a host name never parses as an address by accident.
        foreach (var c in host)
        {
            if (!(char.IsAsciiHexDigit(c) || c is '.' or 'x' or 'X'))
            {
                return false;
            }
        }

        return char.IsAsciiDigit(host[0]);
    }

    private static bool IsDottedDecimal(ReadOnlySpan<char> host)
    {
        var parts = 0;
        foreach (var range in host.Split('.'))
        {
            var part = host[range];
            parts++;
            if (part.IsEmpty || part.Length > 3 || (part.Length > 1 && part[0] == '0') || !int.TryParse(part, out _))
            {
                return false;
            }
        }

        return parts == 4;
    }
}
