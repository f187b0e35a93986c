namespace Aigis.Core.Autoscaling;

/// <summary>Why a decision came out as it did.</summary>
internal enum ScalingReason
{
    /// <summary>The metric is within the tolerance band of the target: no change.</summary>
    WithinTolerance,
    ScaleUp,
    ScaleDown,

    /// <summary>A recommendation was held back by a stabilization window.</summary>
    Stabilized,

    /// <summary>A change was cut to the most allowed per period.</summary>
    RateLimited,

    /// <summary>A burst: the short window says scale up now, and nothing scales down until it passes.</summary>
    Panic,
    AtMinimum,
    AtMaximum,

    /// <summary>Requests are held with no replica ready: start one.</summary>
    ScaleFromZero,

    /// <summary>No traffic for the grace period: stop every replica.</summary>
    ScaleToZero,

    /// <summary>The fixed policy: the count never changes.</summary>
    Fixed,
}
