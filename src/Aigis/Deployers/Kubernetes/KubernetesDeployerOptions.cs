using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Aigis.Deployers.Kubernetes;

/// <summary>How the Kubernetes deployer talks to the API server. Not part of the config file; tests shorten the delays.</summary>
internal sealed record KubernetesDeployerOptions
{
    /// <summary>The field manager of every server-side apply: the name the API server records as the owner of the fields aigis sets.</summary>
    public const string FieldManager = "aigis";

    /// <summary>Delay before the first reconnect of a failed EndpointSlice watch; doubles with each further failure in a row. Default 1s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan WatchInitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between reconnects. Default 30s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan WatchMaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the API server keeps one watch open before ending it (<c>timeoutSeconds</c>); the watch then resumes
    /// from the last resource version it saw. Default 5 minutes, below the usual load balancer idle timeouts.
    /// </summary>
    [Range(1, 3600)]
    public int WatchTimeoutSeconds { get; init; } = 300;

    /// <summary>Returns every problem with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var result = new KubernetesDeployerOptionsValidator().Validate(name: null, this);
        if (result.Failed)
        {
            problems.AddRange(result.Failures);
        }

        if (WatchMaxBackoff < WatchInitialBackoff)
        {
            problems.Add($"WatchMaxBackoff ({WatchMaxBackoff}) is shorter than WatchInitialBackoff ({WatchInitialBackoff}).");
        }

        return problems;
    }
}

/// <summary>Checks the attribute bounds of <see cref="KubernetesDeployerOptions"/>; the source generator writes the body.</summary>
[OptionsValidator]
internal sealed partial class KubernetesDeployerOptionsValidator : IValidateOptions<KubernetesDeployerOptions>;
