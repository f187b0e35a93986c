namespace Aigis.Deployers;

/// <summary>How a replica's wait for its first healthy answer ended.</summary>
internal enum HealthOutcome
{
    /// <summary>Its health path answered 2xx.</summary>
    Healthy,

    /// <summary>The start timeout passed without a 2xx answer.</summary>
    TimedOut,

    /// <summary>Its process exited first.</summary>
    Exited,
}
