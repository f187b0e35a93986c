namespace Aigis.Core.Admission;

/// <summary>
/// An algorithm that sets a concurrency limit from measured latency. Not thread-safe: its limiter calls
/// <see cref="Update"/> once per sample window, under the window's lock.
/// </summary>
public interface IConcurrencyLimit
{
    int Limit { get; }

    /// <summary>Takes one window's figures and returns the new limit.</summary>
    /// <param name="rtt">The window's average latency of successful answers.</param>
    /// <param name="maxInFlight">The most requests in flight at once during the window.</param>
    /// <param name="dropped">Whether any request in the window failed or timed out.</param>
    int Update(TimeSpan rtt, int maxInFlight, bool dropped);
}
