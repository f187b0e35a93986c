namespace Aigis.Bench.Load;

/// <summary>The options of <c>aigis bench load</c> as given, before checking.</summary>
internal sealed record LoadBenchArguments
{
    public required string Url { get; init; }

    public required double Rate { get; init; }

    public required string Duration { get; init; }

    public bool Json { get; init; }

    public string? BodyFile { get; init; }

    public string? Model { get; init; }

    public IReadOnlyList<string> Headers { get; init; } = [];

    public bool Stream { get; init; }

    public int ConcurrencyCap { get; init; } = LoadPlan.DefaultConcurrencyCap;

    public string Timeout { get; init; } = "30s";
}
