using System.Buffers;
using Aigis.Core.Balancing;
using Aigis.Core.Configuration;

namespace Aigis.Core.Routing;

/// <summary>A service as the request path sees it: its config, its instances and its balancer.</summary>
public sealed class ServiceRoute(ServiceConfig config, UpstreamInstance[] instances, ILoadBalancingPolicy balancer, Resilience.RetryBudget retryBudget, CanarySplit? canary = null)
{
    public ServiceConfig Config { get; } = config;

    public string Name => Config.Name;

    public UpstreamInstance[] Instances { get; } = instances;

    public ILoadBalancingPolicy Balancer { get; } = balancer;

    /// <summary>How many retries the service may take now; shared by every request to it.</summary>
    public Resilience.RetryBudget RetryBudget { get; } = retryBudget;

    /// <summary>The instance that takes a fixed share of the requests (a rollout's canary), if any; the balancer never picks it.</summary>
    public CanarySplit? Canary { get; } = canary;

    /// <summary>Picks a healthy instance, or null when the service has none.</summary>
    public UpstreamInstance? Pick(in BalancingRequest request) => Pick(request, []);

    /// <summary>Picks a healthy instance not in <paramref name="exclude"/> (the ones a retried request already tried), or null.</summary>
    public UpstreamInstance? Pick(in BalancingRequest request, ReadOnlySpan<UpstreamInstance> exclude)
    {
        var canary = Canary is { } split && split.Instance.IsHealthy && !Contains(exclude, split.Instance) ? split : null;
        if (canary is not null && canary.TakeTurn())
        {
            return canary.Instance;
        }

        var all = Instances;
        var healthy = 0;
        foreach (var instance in all)
        {
            if (IsEligible(instance, exclude))
            {
                healthy++;
            }
        }

        if (healthy == all.Length)
        {
            return all.Length switch
            {
                0 => null,
                1 => all[0],
                _ => Balancer.Pick(all, request),
            };
        }

        if (healthy == 0)
        {
            // Only the canary is left: better it than no answer.
            return canary?.Instance;
        }

        // Some instances are out of rotation: the policy chooses among the rest.
        var rented = ArrayPool<UpstreamInstance>.Shared.Rent(healthy);
        try
        {
            var count = 0;
            foreach (var instance in all)
            {
                if (IsEligible(instance, exclude))
                {
                    rented[count++] = instance;
                }
            }

            return count == 1 ? rented[0] : Balancer.Pick(rented.AsSpan(0, count), request);
        }
        finally
        {
            ArrayPool<UpstreamInstance>.Shared.Return(rented, clearArray: true);
        }
    }

    private bool IsEligible(UpstreamInstance instance, ReadOnlySpan<UpstreamInstance> exclude) =>
        instance.IsHealthy && !Contains(exclude, instance) && !ReferenceEquals(instance, Canary?.Instance);

    private static bool Contains(ReadOnlySpan<UpstreamInstance> instances, UpstreamInstance instance)
    {
        foreach (var candidate in instances)
        {
            if (ReferenceEquals(candidate, instance))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Picks for a request about which nothing is known.</summary>
    public UpstreamInstance? Pick() => Pick(BalancingRequest.None);
}
