using System.Collections.Concurrent;

namespace Aigis.Core.Caching;

/// <summary>
/// Single flight: the cacheable requests of one service now going upstream, by key. The first request with a key
/// leads (it goes upstream and records its answer); one arriving while it runs follows (it reads the leader's
/// recording instead of going upstream).
/// </summary>
public sealed class InflightRequests
{
    private readonly ConcurrentDictionary<UInt128, ResponseRecording> _inflight = new();
    private long _followers;

    /// <summary>Requests being led now.</summary>
    public int Count => _inflight.Count;

    /// <summary>Requests that joined one in flight instead of going upstream, since the table was made.</summary>
    public long Followers => Interlocked.Read(ref _followers);

    /// <summary>
    /// True: the caller leads, and must <see cref="Finish"/> with <paramref name="recording"/> whatever happens.
    /// False: <paramref name="recording"/> is the leader's, to follow.
    /// </summary>
    public bool TryLead(UInt128 key, out ResponseRecording recording)
    {
        var mine = new ResponseRecording();
        recording = _inflight.GetOrAdd(key, mine);
        if (ReferenceEquals(recording, mine))
        {
            return true;
        }

        Interlocked.Increment(ref _followers);
        return false;
    }

    /// <summary>The leader is done: later requests with the key no longer join this recording.</summary>
    /// <remarks>Call after the answer was stored, so a request arriving in between finds it in the store or here.</remarks>
    public void Finish(UInt128 key, ResponseRecording recording) =>
        _inflight.TryRemove(new KeyValuePair<UInt128, ResponseRecording>(key, recording));
}
