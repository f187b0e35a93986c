using System.Net;
using Aigis.Deployers.Kubernetes;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using k8s;

namespace Aigis.Tests.Deployers.Kubernetes;

/// <summary>
/// The whole path in one host: aigis applies a <c>runtime: kubernetes</c> service to the (fake) API server, finds its
/// ready pod in an EndpointSlice, and the gateway routes to that pod directly. The "pod" is a local Kestrel server
/// on 127.0.0.1, which the fake API server lists as the endpoint's address.
/// </summary>
public sealed class KubernetesGatewayTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_gateway_routes_to_the_ready_pods_the_endpoint_slices_list()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        await using var pod = await TestUpstream.StartAsync("vision-pod-a");
        api.SlicePort = pod.Url.Port;
        var options = new AigisHostOptions
        {
            KubernetesConnect = _ => new ClusterConnection(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = api.Url.ToString() }), "default"),
            KubernetesDeployer = new KubernetesDeployerOptions { WatchInitialBackoff = TimeSpan.FromMilliseconds(20), WatchMaxBackoff = TimeSpan.FromMilliseconds(200) },
        };
        await using var gateway = await GatewayUnderTest.StartAsync("""
              - name: vision
                runtime: kubernetes
                kubernetes: {image: example/vision:1, port: 8000}
            """, options);

        Assert.NotNull(api.Get("/apis/apps/v1/namespaces/default/deployments/vision"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await gateway.Public.GetAsync("/svc/vision/v1/classify")).StatusCode);

        api.PutSlice("default", "vision-x7k2p", "vision", silently: false, ("vision-5c9d-a", "127.0.0.1", true));
        await Eventually.TrueAsync(async () => (await gateway.Public.GetAsync("/svc/vision/v1/classify")).StatusCode == HttpStatusCode.OK, s_timeout,
            () => "the gateway never routed to the pod");

        Assert.Contains(pod.Received, r => r.Path == "/v1/classify");
        Assert.Contains(gateway.Host.KubernetesDeployer.Replicas, r => r.Name == "vision-5c9d-a");
    }
}
