namespace Aigis.Core.Rollouts;

/// <summary>
/// What one instance's live requests showed during one analysis window: requests, errors, broken streams and
/// latencies. Written from the request path (no lock, no allocation); a new one is attached for each window, so the
/// one read at a window's end is no longer written to but by requests already under way.
/// </summary>
/// <param name="latencyWarmup">
/// Requests whose latency is not recorded, first thing: a freshly started replica answers its first requests slowly
/// (a cold runtime: JIT, caches, connections), which says nothing about its version. Their outcomes still count.
/// </param>
public sealed class InstanceSamples(int latencyWarmup = 0)
{
    private long _requests;
    private long _errors;
    private long _streams;
    private long _streamErrors;

    public LatencyHistogram Latency { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Attempts that failed for the instance's reasons: a 5xx, no connection, a timeout, a broken answer.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Streamed answers among <see cref="Requests"/>.</summary>
    public long Streams => Interlocked.Read(ref _streams);

    /// <summary>Streams that broke after they began (cut, malformed, idle timeout); also counted in <see cref="Errors"/>.</summary>
    public long StreamErrors => Interlocked.Read(ref _streamErrors);

    /// <summary>One attempt. <paramref name="latency"/> (time to first token for a stream, else the whole answer) counts only for successes.</summary>
    public void Record(bool failed, bool streamed, bool streamBroke, TimeSpan latency)
    {
        var n = Interlocked.Increment(ref _requests);
        if (streamed)
        {
            Interlocked.Increment(ref _streams);
        }

        if (failed)
        {
            Interlocked.Increment(ref _errors);
            if (streamBroke)
            {
                Interlocked.Increment(ref _streamErrors);
            }

            return;
        }

        if (n > latencyWarmup)
        {
            Latency.Record(latency);
        }
    }

    /// <summary>Pools several instances' samples (the stable replicas) into one.</summary>
    public static InstanceSamples Pool(IEnumerable<InstanceSamples> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var pooled = new InstanceSamples();
        foreach (var part in parts)
        {
            pooled._requests += part.Requests;
            pooled._errors += part.Errors;
            pooled._streams += part.Streams;
            pooled._streamErrors += part.StreamErrors;
            pooled.Latency.Add(part.Latency);
        }

        return pooled;
    }
}
