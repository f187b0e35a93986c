namespace Aigis.Core.Configuration;

/// <summary>
/// The <c>process</c> section of a <c>runtime: process</c> service: the command each replica runs, and how many.
/// </summary>
/// <remarks>
/// Equality is by value, lists and environment included, because the process deployer compares the running
/// section with a reloaded one to decide what to restart.
/// </remarks>
public sealed record ProcessConfig
{
    /// <summary>The special <see cref="Command"/> naming the simulator built beside aigis.</summary>
    public const string SimulatorCommand = "aigis-sim";

    /// <summary>Replaced in <see cref="Args"/> and <see cref="Env"/> values by the free loopback port chosen for each start.</summary>
    public const string PortPlaceholder = "{port}";

    /// <summary>Replaced in <see cref="Args"/> and <see cref="Env"/> values by the replica's index, from 0.</summary>
    public const string ReplicaPlaceholder = "{replica}";

    public const int MinReplicas = 1;
    public const int MaxReplicas = 64;
    public const string DefaultHealthPath = "/health";
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MinStartTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxStartTimeout = TimeSpan.FromMinutes(10);

    /// <summary>An executable on <c>PATH</c>, a path, or <see cref="SimulatorCommand"/>.</summary>
    public required string Command { get; init; }

    /// <summary>Arguments, each one word (no shell splitting), placeholders expanded.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>How many replicas run, from <see cref="MinReplicas"/> to <see cref="MaxReplicas"/>.</summary>
    public int Replicas { get; init; } = MinReplicas;

    /// <summary>The path a replica answers 2xx on once it can take traffic.</summary>
    public string HealthPath { get; init; } = DefaultHealthPath;

    /// <summary>Longest wait, from the start of a replica, for its first healthy answer.</summary>
    public TimeSpan StartTimeout { get; init; } = DefaultStartTimeout;

    /// <summary>Variables added to the environment aigis passes on; values may hold placeholders.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True when <paramref name="other"/> runs replicas the same way, whatever their number.</summary>
    public bool SameTemplateAs(ProcessConfig other) => Equals(other with { Replicas = Replicas });

    public bool Equals(ProcessConfig? other) =>
        other is not null &&
        Command == other.Command &&
        Replicas == other.Replicas &&
        HealthPath == other.HealthPath &&
        StartTimeout == other.StartTimeout &&
        Args.SequenceEqual(other.Args, StringComparer.Ordinal) &&
        Env.Count == other.Env.Count &&
        Env.All(pair => other.Env.TryGetValue(pair.Key, out var value) && value == pair.Value);

    public override int GetHashCode() => HashCode.Combine(Command, Replicas, HealthPath, StartTimeout, Args.Count, Env.Count);
}
