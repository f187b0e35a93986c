using Aigis.Core.Routing;

namespace Aigis.Proxy;

/// <summary>
/// The instance a request was sent to and when, so the response side can time the instance; and the prompt's
/// prefill the instance owes until its first byte comes back (or the attempt ends without one).
/// </summary>
internal sealed class UpstreamAttempt
{
    private readonly int _promptBlocks;
    private int _prefillSettled;

    public UpstreamAttempt(UpstreamInstance instance, long startedAt, int promptBlocks)
    {
        Instance = instance;
        StartedAt = startedAt;
        _promptBlocks = promptBlocks;
        instance.OnPrefillPending(promptBlocks);
    }

    public UpstreamInstance Instance { get; }

    public long StartedAt { get; }

    /// <summary>When the first response body byte (or a bodiless answer) arrived; 0 until then.</summary>
    public long FirstByteAt { get; set; }

    /// <summary>The first byte arrived or the attempt is over; only the first call counts.</summary>
    public void SettlePrefill()
    {
        if (Interlocked.Exchange(ref _prefillSettled, 1) == 0)
        {
            Instance.OnPrefillDone(_promptBlocks);
        }
    }
}
