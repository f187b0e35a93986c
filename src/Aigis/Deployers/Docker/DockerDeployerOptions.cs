using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Aigis.Deployers.Docker;

/// <summary>How the Docker deployer runs containers, beyond the config file; tests shorten the delays.</summary>
internal sealed record DockerDeployerOptions
{
    /// <summary>
    /// Which aigis the containers belong to (the <c>aigis.dev/instance</c> label): two aigis with different stores
    /// on one engine never adopt or remove each other's containers. The host derives it from the store's path.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9-]{1,63}$")]
    public required string Identity { get; init; }

    /// <summary>How often a starting container's health path is asked. Default 200ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan HealthPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Backoff and crash-loop bounds for containers that exit and are not restarted by the engine.</summary>
    [ValidateObjectMembers]
    public ProcessDeployerOptions Restarts { get; init; } = new();

    /// <summary>The identity of the aigis whose store is at <paramref name="storePath"/>: a hash of its full path.</summary>
    public static string IdentityForStore(string storePath)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(storePath)));
        return Convert.ToHexStringLower(hash)[..16];
    }

    /// <summary>Returns every problem with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var result = new DockerDeployerOptionsValidator().Validate(name: null, this);
        if (result.Failed)
        {
            problems.AddRange(result.Failures);
        }

        if (Restarts.MaxBackoff < Restarts.InitialBackoff)
        {
            problems.Add($"Restarts.MaxBackoff ({Restarts.MaxBackoff}) is shorter than Restarts.InitialBackoff ({Restarts.InitialBackoff}).");
        }

        return problems;
    }
}

/// <summary>Checks the attribute bounds of <see cref="DockerDeployerOptions"/>; the source generator writes the body.</summary>
[OptionsValidator]
internal sealed partial class DockerDeployerOptionsValidator : IValidateOptions<DockerDeployerOptions>;
