using System.Net;
using Aigis.Core.Configuration;
using Aigis.Core.Security.Firewall;

namespace Aigis.Core.Tests.Security;

/// <summary>Forwarding headers are believed only from trusted proxies, and read right to left.</summary>
public sealed class ClientAddressTests
{
    private static readonly IPNetwork[] s_proxies = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8")];

    [Fact]
    public void A_spoofed_x_forwarded_for_from_an_untrusted_peer_is_ignored()
    {
        var client = ClientAddressResolver.Resolve(IPAddress.Parse("198.51.100.9"), s_proxies, null, "127.0.0.1");

        Assert.Equal(IPAddress.Parse("198.51.100.9"), client);
    }

    [Fact]
    public void With_no_trusted_proxies_the_peer_is_always_the_client()
    {
        Assert.Equal(IPAddress.Parse("10.1.1.1"), ClientAddressResolver.Resolve(IPAddress.Parse("10.1.1.1"), [], null, "203.0.113.5"));
    }

    [Fact]
    public void From_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client()
    {
        // The client wrote "1.1.1.1" itself; the trusted proxies appended the rest.
        var client = ClientAddressResolver.Resolve(IPAddress.Parse("10.0.0.2"), s_proxies, null, "1.1.1.1, 203.0.113.5, 10.0.0.3");

        Assert.Equal(IPAddress.Parse("203.0.113.5"), client);
    }

    [Fact]
    public void Forwarded_is_read_before_x_forwarded_for_with_ipv6_and_ports()
    {
        var client = ClientAddressResolver.Resolve(IPAddress.Parse("::ffff:10.0.0.2"), s_proxies, "for=\"[2001:db8::7]:4711\";proto=https, for=10.0.0.9", "9.9.9.9");

        Assert.Equal(IPAddress.Parse("2001:db8::7"), client);
    }

    [Theory]
    [InlineData("192.0.2.10", true)]
    [InlineData("192.0.2.66", false)]
    [InlineData("198.51.100.1", false)]
    [InlineData("2001:db8::5", true)]
    [InlineData("::ffff:192.0.2.10", true)]
    public void Deny_wins_over_allow_and_an_allow_list_admits_only_what_it_lists(string address, bool admitted)
    {
        Assert.True(NetworkList.TryParse("192.0.2.0/24", out var allowV4));
        Assert.True(NetworkList.TryParse("2001:db8::/32", out var allowV6));
        Assert.True(NetworkList.TryParse("192.0.2.64/26", out var deny));
        var lists = new CidrLists { Allow = [allowV4, allowV6], Deny = [deny] };

        Assert.Equal(admitted, CidrPolicy.Admits(lists, IPAddress.Parse(address)));
    }

    [Fact]
    public void Host_bits_in_a_block_are_masked_and_single_addresses_are_blocks_of_one()
    {
        Assert.True(NetworkList.TryParse("10.1.2.3/8", out var block));
        Assert.Equal("10.0.0.0/8", block.ToString());
        Assert.True(NetworkList.TryParse("2001:db8::1", out var single));
        Assert.Equal(128, single.PrefixLength);
        Assert.False(NetworkList.TryParse("10.0.0.0/33", out _));
        Assert.False(NetworkList.TryParse("not-an-ip", out _));
    }
}
