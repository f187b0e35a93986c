namespace Aigis.Sim.Faults;

/// <summary>One set of <see cref="FaultSettings"/> in force, with the count of model requests it has seen.</summary>
/// <remarks>
/// Replaced whole when faults change, so the count (which crash_after and the draws use) restarts:
/// "set faults, then send N requests" gives the same outcomes on every run with the same seed.
/// </remarks>
internal sealed class ActiveFaults
{
    private readonly FaultDice _dice;
    private long _requests;

    public ActiveFaults(FaultSettings settings, FaultDice dice)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(dice);
        Settings = settings;
        IsNone = settings == FaultSettings.None;
        _dice = dice;
    }

    public FaultSettings Settings { get; }

    /// <summary>No fault is set: requests need no decision at all.</summary>
    public bool IsNone { get; }

    /// <summary>Counts one arriving model request and decides its fate.</summary>
    public FaultDecision Decide()
    {
        var number = Interlocked.Increment(ref _requests);
        var settings = Settings;

        // Draw for every request, so the n-th request's fate depends on the seed and n alone.
        var error = _dice.Draw(number) < settings.ErrorRate ? settings.ErrorStatus : 0;
        return new FaultDecision(
            number,
            Crash: settings.CrashAfter is { } limit && number >= limit,
            settings.Hang,
            TimeSpan.FromMilliseconds(settings.LatencyMs),
            error,
            settings.StreamCutAfter,
            settings.MalformedStream);
    }
}
