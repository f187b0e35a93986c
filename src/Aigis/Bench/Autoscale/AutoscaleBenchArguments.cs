namespace Aigis.Bench.Autoscale;

/// <summary>What <c>aigis bench autoscale</c> was asked to do.</summary>
internal sealed record AutoscaleBenchArguments
{
    /// <summary>A preset (<see cref="AutoscalePresets.Names"/>) or a routing-format workload file.</summary>
    public required string Workload { get; init; }

    public IReadOnlyList<string> Policies { get; init; } = [];

    public double SloTtftMs { get; init; } = 500;

    public double ColdStartSeconds { get; init; } = 60;

    /// <summary>Requests in flight per replica that HPA, KPA and aigis aim at; null: measured (see <see cref="AutoscaleBench"/>).</summary>
    public double? TargetPerReplica { get; init; }

    public int Seed { get; init; } = 1;

    public bool Json { get; init; }

    public string? WriteWorkload { get; init; }

    /// <summary>Write every decision with its inputs to stderr (runs the policies one after another).</summary>
    public bool Decisions { get; init; }
}
