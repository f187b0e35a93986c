using Aigis.Core.Balancing;
using Aigis.Sim.Engine;

namespace Aigis.Bench.Routing.Simulation;

/// <summary>The fleet and gateway a routing simulation runs: every policy of one benchmark gets the same settings.</summary>
internal sealed record RoutingSimulationSettings
{
    /// <summary>The most leading blocks of a prompt the gateway hashes for a policy (256 x 16 = 4096 tokens).</summary>
    public const int DefaultPrefixBlockLimit = 256;

    public int Replicas { get; init; } = 1;

    /// <summary>Seeds the policies' random choices.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>How often the gateway scrapes each replica's metrics. Default 250 ms.</summary>
    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public EngineOptions Engine { get; init; } = new();

    public BalancingOptions Balancing { get; init; } = new();

    public int PrefixBlockLimit { get; init; } = DefaultPrefixBlockLimit;
}
