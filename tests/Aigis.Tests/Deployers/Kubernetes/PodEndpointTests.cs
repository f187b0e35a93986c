using Aigis.Deployers.Kubernetes;
using k8s.Models;

namespace Aigis.Tests.Deployers.Kubernetes;

/// <summary>How EndpointSlice entries become pods to route to: readiness, termination, address families, duplicates.</summary>
public sealed class PodEndpointTests
{
    [Fact]
    public void Only_ready_and_not_terminating_endpoints_take_traffic_and_unknown_readiness_counts_as_ready()
    {
        var slice = Slice("IPv4", ("a", "10.0.0.1", true, false), ("b", "10.0.0.2", false, false), ("c", "10.0.0.3", null, false), ("d", "10.0.0.4", true, true));

        var pods = PodEndpoint.From([slice], "http");

        Assert.Equal(
            [("a", true, false), ("b", false, false), ("c", true, false), ("d", false, true)],
            pods.Select(p => (p.Name, p.Ready, p.Terminating)));
        Assert.Equal(new Uri("http://10.0.0.1:8000"), pods[0].Url);
    }

    [Fact]
    public void An_ipv6_address_is_bracketed_and_an_fqdn_slice_is_ignored()
    {
        var pods = PodEndpoint.From([Slice("IPv6", ("a", "fd00::1", true, false)), Slice("FQDN", ("b", "pod.example", true, false))], "http");

        Assert.Equal(new Uri("http://[fd00::1]:8000"), Assert.Single(pods).Url);
    }

    [Fact]
    public void A_pod_listed_in_two_slices_appears_once_ready_if_either_says_so()
    {
        var pods = PodEndpoint.From([Slice("IPv4", ("a", "10.0.0.1", false, false)), Slice("IPv4", ("a", "10.0.0.1", true, false))], "http");

        Assert.True(Assert.Single(pods).Ready);
    }

    [Fact]
    public void A_slice_without_the_named_port_is_skipped_unless_it_has_a_single_port()
    {
        var named = Slice("IPv4", ("a", "10.0.0.1", true, false));
        named.Ports = [new Discoveryv1EndpointPort { Name = "metrics", Port = 9100 }, new Discoveryv1EndpointPort { Name = "grpc", Port = 9000 }];
        var single = Slice("IPv4", ("b", "10.0.0.2", true, false));
        single.Ports = [new Discoveryv1EndpointPort { Name = "web", Port = 8080 }];

        var pods = PodEndpoint.From([named, single], "http");

        Assert.Equal(new Uri("http://10.0.0.2:8080"), Assert.Single(pods).Url);
    }

    private static V1EndpointSlice Slice(string addressType, params (string Pod, string Address, bool? Ready, bool Terminating)[] endpoints) => new()
    {
        AddressType = addressType,
        Metadata = new V1ObjectMeta { Name = "s" },
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8000 }],
        Endpoints = [.. endpoints.Select(e => new V1Endpoint
        {
            Addresses = [e.Address],
            Conditions = new V1EndpointConditions { Ready = e.Ready, Terminating = e.Terminating },
            TargetRef = new V1ObjectReference { Kind = "Pod", Name = e.Pod },
        })],
    };
}
