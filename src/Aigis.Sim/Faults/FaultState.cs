namespace Aigis.Sim.Faults;

/// <summary>The faults in force, swapped atomically; requests read it without locks.</summary>
internal sealed class FaultState
{
    private readonly long _seed;
    private ActiveFaults _current;

    public FaultState(FaultSettings initial, long seed)
    {
        _seed = seed;
        _current = Activate(initial);
    }

    /// <summary>The faults in force now.</summary>
    public ActiveFaults Current => Volatile.Read(ref _current);

    /// <summary>Puts <paramref name="settings"/> in force for requests arriving from now on; the request count and draws restart.</summary>
    public void Replace(FaultSettings settings) => Interlocked.Exchange(ref _current, Activate(settings));

    private ActiveFaults Activate(FaultSettings settings) => new(settings, new FaultDice(_seed));
}
