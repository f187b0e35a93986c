using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Aigis.Deployers;

/// <summary>How the process deployer supervises replicas. Not part of the config file; tests shorten the delays.</summary>
internal sealed record ProcessDeployerOptions
{
    /// <summary>Delay before the first restart of a failed replica; it doubles with each further failure in a row. Default 1s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between restarts. Default 30s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>This many failures within <see cref="CrashLoopWindow"/> put a replica in crash loop. Default 5.</summary>
    [Range(1, 1000)]
    public int CrashLoopFailures { get; init; } = 5;

    /// <summary>The window in which <see cref="CrashLoopFailures"/> are counted. Default 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CrashLoopWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a stopped replica has between SIGTERM and SIGKILL. Default 10s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a starting replica's health path is asked. Default 200ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan HealthPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Returns every problem with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var result = new ProcessDeployerOptionsValidator().Validate(name: null, this);
        if (result.Failed)
        {
            problems.AddRange(result.Failures);
        }

        if (MaxBackoff < InitialBackoff)
        {
            problems.Add($"MaxBackoff ({MaxBackoff}) is shorter than InitialBackoff ({InitialBackoff}).");
        }

        return problems;
    }
}

/// <summary>Checks the attribute bounds of <see cref="ProcessDeployerOptions"/>; the source generator writes the body.</summary>
[OptionsValidator]
internal sealed partial class ProcessDeployerOptionsValidator : IValidateOptions<ProcessDeployerOptions>;
