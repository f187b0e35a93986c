namespace Aigis.Core.Autoscaling;

/// <summary>Autoscaling policies by the names config and <c>aigis bench autoscale</c> use.</summary>
internal static class AutoscalingNames
{
    public const string Fixed = "fixed";
    public const string Hpa = "hpa";
    public const string Kpa = "kpa";
    public const string Aigis = "aigis";

    public static IReadOnlyList<string> All { get; } = [Fixed, Hpa, Kpa, Aigis];
}
