namespace Aigis.Bench.Routing;

/// <summary>What <c>aigis bench routing</c> was asked to do, parsed but not yet checked against the workload.</summary>
internal sealed record RoutingBenchArguments
{
    /// <summary>A preset's name or a workload file's path.</summary>
    public required string Workload { get; init; }

    public int? Replicas { get; init; }

    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>Mean arrival rate as a fraction of the fleet's measured capacity; null keeps the workload's times.</summary>
    public double? Load { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>How many requests (the first ones of a file); null: a preset's default, or the whole file.</summary>
    public int? Requests { get; init; }

    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public bool Json { get; init; }

    /// <summary>Write the workload here as JSON Lines and exit instead of simulating.</summary>
    public string? WriteWorkload { get; init; }

    /// <summary>Also print diagnostics per policy (preemptions, dispatch imbalance, scraped queues).</summary>
    public bool Details { get; init; }
}
