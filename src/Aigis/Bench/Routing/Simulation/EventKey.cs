namespace Aigis.Bench.Routing.Simulation;

/// <summary>An event's place in virtual time: by time, then kind, then the order it was scheduled (so runs replay exactly).</summary>
internal readonly record struct EventKey(double TimeMs, SimEventKind Kind, long Sequence) : IComparable<EventKey>
{
    public int CompareTo(EventKey other)
    {
        var byTime = TimeMs.CompareTo(other.TimeMs);
        if (byTime != 0)
        {
            return byTime;
        }

        var byKind = Kind.CompareTo(other.Kind);
        return byKind != 0 ? byKind : Sequence.CompareTo(other.Sequence);
    }

    public static bool operator <(EventKey left, EventKey right) => left.CompareTo(right) < 0;

    public static bool operator >(EventKey left, EventKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(EventKey left, EventKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EventKey left, EventKey right) => left.CompareTo(right) >= 0;
}
