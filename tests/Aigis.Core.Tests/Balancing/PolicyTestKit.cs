using Aigis.Core.Balancing;
using Aigis.Core.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Balancing;

internal static class PolicyTestKit
{
    public static UpstreamInstance[] Instances(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new UpstreamInstance("svc", $"i{i}", new Uri($"http://127.0.0.1:{10_000 + i}"), TimeProvider.System))];

    public static ILoadBalancingPolicy Create(string name, FakeTimeProvider? time = null, BalancingOptions? options = null, int seed = 1) =>
        new LoadBalancingPolicyFactory(time ?? new FakeTimeProvider(), () => new Random(seed)).Create(name, options);

    public static void Busy(UpstreamInstance instance, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            instance.OnRequestStarted();
        }
    }

    public static ulong[] Blocks(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64())];
    }
}
