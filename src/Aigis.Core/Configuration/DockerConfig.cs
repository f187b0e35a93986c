namespace Aigis.Core.Configuration;

/// <summary>
/// The <c>docker</c> section of a <c>runtime: docker</c> service: the image each replica runs as a container, its
/// command, and how many. Containers run on host networking, each server bound to a 127.0.0.1 port aigis picks.
/// </summary>
/// <remarks>
/// Equality is by value, lists and environment included, because the Docker deployer compares the running section
/// with a reloaded one to decide what to replace. <see cref="ProcessConfig"/>'s placeholders apply here too.
/// </remarks>
public sealed record DockerConfig
{
    public const int MinReplicas = ProcessConfig.MinReplicas;
    public const int MaxReplicas = ProcessConfig.MaxReplicas;
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MinStopTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxStopTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The image, as the engine names it (<c>aigis-sim:local</c>); built locally, there is no registry.</summary>
    public required string Image { get; init; }

    /// <summary>
    /// A self-contained publish directory (<c>dotnet publish -r linux-x64 --self-contained</c>) that aigis builds
    /// <see cref="Image"/> from when the engine does not have it; null: the image must exist.
    /// </summary>
    public string? BuildFrom { get; init; }

    /// <summary>The executable inside the image (its entrypoint); null keeps the image's own.</summary>
    public string? Command { get; init; }

    /// <summary>Arguments, each one word, placeholders expanded (<c>{port}</c>, <c>{replica}</c>).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>How many replicas run, from <see cref="MinReplicas"/> to <see cref="MaxReplicas"/>.</summary>
    public int Replicas { get; init; } = MinReplicas;

    /// <summary>The path a replica answers 2xx on once it can take traffic.</summary>
    public string HealthPath { get; init; } = ProcessConfig.DefaultHealthPath;

    /// <summary>Longest wait, from the start of a container, for its first healthy answer.</summary>
    public TimeSpan StartTimeout { get; init; } = ProcessConfig.DefaultStartTimeout;

    /// <summary>How long a stopped container has between SIGTERM and SIGKILL.</summary>
    public TimeSpan StopTimeout { get; init; } = DefaultStopTimeout;

    /// <summary>The engine's restart policy for the containers.</summary>
    public DockerRestartPolicy Restart { get; init; } = DockerRestartPolicy.UnlessStopped;

    /// <summary>Environment variables of the container; values may hold placeholders.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True when <paramref name="other"/> runs replicas the same way, whatever their number.</summary>
    public bool SameTemplateAs(DockerConfig other) => Equals(other with { Replicas = Replicas });

    public bool Equals(DockerConfig? other) =>
        other is not null &&
        Image == other.Image &&
        BuildFrom == other.BuildFrom &&
        Command == other.Command &&
        Replicas == other.Replicas &&
        HealthPath == other.HealthPath &&
        StartTimeout == other.StartTimeout &&
        StopTimeout == other.StopTimeout &&
        Restart == other.Restart &&
        Args.SequenceEqual(other.Args, StringComparer.Ordinal) &&
        Env.Count == other.Env.Count &&
        Env.All(pair => other.Env.TryGetValue(pair.Key, out var value) && value == pair.Value);

    public override int GetHashCode() => HashCode.Combine(Image, Command, Replicas, HealthPath, StartTimeout, StopTimeout, Args.Count, Env.Count);
}

/// <summary>The engine's restart policies, as <c>docker run --restart</c> names them.</summary>
public enum DockerRestartPolicy
{
    /// <summary><c>no</c>: an exited container stays exited.</summary>
    No,

    /// <summary><c>on-failure</c>: restarted when it exits non-zero.</summary>
    OnFailure,

    /// <summary><c>always</c>: restarted whenever it exits, and when the engine starts.</summary>
    Always,

    /// <summary><c>unless-stopped</c>: as <see cref="Always"/>, unless it was stopped on purpose.</summary>
    UnlessStopped,
}

/// <summary>The names of <see cref="DockerRestartPolicy"/> values in the config and the engine's API.</summary>
public static class DockerRestartPolicyNames
{
    public static readonly string[] All = ["no", "on-failure", "always", "unless-stopped"];

    public static string Of(DockerRestartPolicy policy) => All[(int)policy];

    public static DockerRestartPolicy Parse(string name) => (DockerRestartPolicy)Array.IndexOf(All, name);
}

/// <summary>The top-level <c>docker</c> section: which engine the <c>runtime: docker</c> services run on.</summary>
public sealed record DockerEngineConfig
{
    /// <summary>What the engine is reached at when neither the config nor <c>DOCKER_HOST</c> says.</summary>
    public static readonly Uri DefaultHost = new("unix:///var/run/docker.sock");

    /// <summary>The engine's address (<c>unix:///path</c> or <c>tcp://host:port</c>); null: <c>DOCKER_HOST</c>, else <see cref="DefaultHost"/>.</summary>
    public Uri? Host { get; init; }

    /// <summary>Where the engine is reached: the config's host, else <paramref name="dockerHostVariable"/>, else the default socket.</summary>
    public Uri EffectiveHost(string? dockerHostVariable) =>
        Host ?? (Uri.TryCreate(dockerHostVariable, UriKind.Absolute, out var fromVariable) ? fromVariable : DefaultHost);
}
