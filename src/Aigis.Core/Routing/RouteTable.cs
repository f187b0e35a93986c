using System.Collections.Frozen;
using Aigis.Core.Balancing;
using Aigis.Core.Configuration;

namespace Aigis.Core.Routing;

/// <summary>
/// An immutable snapshot of where requests go, built once per config load. A reload builds a new table
/// and swaps it in with one reference write; requests already running keep the table they started with,
/// which is why a reload never fails an in-flight request.
/// </summary>
public sealed class RouteTable
{
    private RouteTable(AigisConfig config, FrozenDictionary<string, ServiceRoute> byName, FrozenDictionary<string, ServiceRoute> byModel, DateTimeOffset loadedAt)
    {
        Config = config;
        ByName = byName;
        ByModel = byModel;
        LoadedAt = loadedAt;
        Models = byModel.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public AigisConfig Config { get; }

    public FrozenDictionary<string, ServiceRoute> ByName { get; }

    public FrozenDictionary<string, ServiceRoute> ByModel { get; }

    /// <summary>Every model name, sorted, for <c>GET /v1/models</c>.</summary>
    public IReadOnlyList<string> Models { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>
    /// Builds a table for <paramref name="config"/>. Instances whose service, id and URL are unchanged
    /// are carried over from <paramref name="previous"/> with their live state; balancers of services whose
    /// policy and instance list are unchanged are kept too, so round-robin does not restart at every reload.
    /// </summary>
    /// <param name="time">The clock of instance health and retry budgets.</param>
    /// <param name="deployed">
    /// The instances deployers run, by service name. A <see cref="RuntimeKind.Static"/> service routes to the
    /// instances its config lists; any other service to its deployed ones (none until its deployer publishes).
    /// </param>
    public static RouteTable Build(
        AigisConfig config, RouteTable? previous, LoadBalancingPolicyFactory policies, DateTimeOffset loadedAt, TimeProvider time,
        IReadOnlyDictionary<string, IReadOnlyList<InstanceConfig>>? deployed = null)
    {
        var byName = new Dictionary<string, ServiceRoute>(StringComparer.Ordinal);
        var byModel = new Dictionary<string, ServiceRoute>(StringComparer.Ordinal);
        foreach (var service in config.Services)
        {
            var old = previous?.ByName.GetValueOrDefault(service.Name);
            var configured = service.Runtime == RuntimeKind.Static
                ? service.Instances
                : deployed?.GetValueOrDefault(service.Name) ?? [];
            var instances = configured.Select(i => Reuse(old, i) ?? new UpstreamInstance(service.Name, i.Id, i.Url, time)).ToArray();
            var balancer = old is not null && old.Config.Balancer == service.Balancer && old.Config.Balancing == service.Balancing && old.Instances.SequenceEqual(instances)
                ? old.Balancer
                : policies.Create(service.Balancer, service.Balancing);
            // The budget counts the last seconds of traffic; a reload that keeps the retry settings keeps it.
            var budget = old is not null && old.Config.Retries == service.Retries ? old.RetryBudget : new Resilience.RetryBudget(service.Retries, time);
            var route = new ServiceRoute(service, instances, balancer, budget, Canary(old, configured, instances));
            byName[service.Name] = route;
            foreach (var model in service.Models)
            {
                byModel[model] = route;
            }
        }

        return new RouteTable(config, byName.ToFrozenDictionary(StringComparer.Ordinal), byModel.ToFrozenDictionary(StringComparer.Ordinal), loadedAt);
    }

    /// <summary>The split for the one instance given a traffic share (a rollout's canary); kept from the old route while it is the same.</summary>
    private static CanarySplit? Canary(ServiceRoute? old, IReadOnlyList<InstanceConfig> configured, UpstreamInstance[] instances)
    {
        for (var i = 0; i < configured.Count; i++)
        {
            if (configured[i].TrafficShare is { } share)
            {
                return old?.Canary is { } kept && ReferenceEquals(kept.Instance, instances[i]) && kept.Share == share ? kept : new CanarySplit(instances[i], share);
            }
        }

        return null;
    }

    private static UpstreamInstance? Reuse(ServiceRoute? old, InstanceConfig instance)
    {
        if (old is null)
        {
            return null;
        }

        foreach (var candidate in old.Instances)
        {
            if (candidate.Id == instance.Id && candidate.Url == instance.Url)
            {
                return candidate;
            }
        }

        return null;
    }
}
