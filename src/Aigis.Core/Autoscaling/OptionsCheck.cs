using System.ComponentModel.DataAnnotations;

namespace Aigis.Core.Autoscaling;

/// <summary>The checks every autoscaling options record shares: its [Range] attributes, min below max, and positive periods.</summary>
internal static class OptionsCheck
{
    public static IReadOnlyList<string> Problems(object options, int min, int max, TimeSpan period, params TimeSpan[] windows)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var problems = results.Select(r => r.ErrorMessage ?? "invalid").ToList();
        if (min > max)
        {
            problems.Add($"MinReplicas ({min}) must not be above MaxReplicas ({max})");
        }

        if (period <= TimeSpan.Zero)
        {
            problems.Add("Period must be positive");
        }

        if (windows.Any(w => w < TimeSpan.Zero))
        {
            problems.Add("windows must not be negative");
        }

        return problems;
    }

    /// <summary>Throws listing every problem: options are checked once, when a policy is built.</summary>
    public static void ThrowIfInvalid(IReadOnlyList<string> problems, string name)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException($"{name}: {string.Join("; ", problems)}");
        }
    }
}
