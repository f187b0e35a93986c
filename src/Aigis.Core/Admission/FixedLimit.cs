namespace Aigis.Core.Admission;

/// <summary>A limit that never moves: for services whose safe concurrency is known (e.g. a server's batch size).</summary>
public sealed class FixedLimit(int limit) : IConcurrencyLimit
{
    public int Limit { get; } = limit;

    public int Update(TimeSpan rtt, int maxInFlight, bool dropped) => Limit;
}
