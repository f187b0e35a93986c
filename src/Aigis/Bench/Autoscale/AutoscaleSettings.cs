using Aigis.Core.Balancing;
using Aigis.Sim.Engine;

namespace Aigis.Bench.Autoscale;

/// <summary>The fleet, the gateway and the objective an autoscale run uses; every policy of a bench gets the same.</summary>
internal sealed record AutoscaleSettings
{
    /// <summary>From asking for a replica to its serving (model load). Default 60 s.</summary>
    public TimeSpan ColdStart { get; init; } = TimeSpan.FromSeconds(60);

    public double SloTtftMs { get; init; } = 500;

    /// <summary>Replicas ready when the run starts.</summary>
    public int InitialReplicas { get; init; } = 1;

    /// <summary>How the gateway picks among ready replicas.</summary>
    public string Balancer { get; init; } = LoadBalancingPolicyNames.LeastRequests;

    /// <summary>How often the gateway scrapes replicas' metrics.</summary>
    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most requests held while no replica is ready; more are dropped (503).</summary>
    public int HoldLimit { get; init; } = 10_000;

    /// <summary>Longest a request is held while no replica is ready before it is dropped (503 with Retry-After).</summary>
    public TimeSpan HoldTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public int Seed { get; init; } = 1;

    public EngineOptions Engine { get; init; } = new();

    /// <summary>Where every decision is written with its inputs (<c>--decisions</c>), or null.</summary>
    public TextWriter? DecisionLog { get; init; }
}
