namespace Aigis.Core.Caching;

/// <summary>How a recorded answer ended.</summary>
public enum RecordingState
{
    /// <summary>The leader is still receiving it.</summary>
    Recording,

    /// <summary>Whole: what the leader's client got, a success or an error, is what followers get.</summary>
    Complete,

    /// <summary>The leader's client went away and its upstream call was cancelled: there is no answer to share.</summary>
    Abandoned,
}

/// <summary>
/// One answer as it is being received by the leader of a coalesced request, readable while it is written: followers
/// read its chunks from the start and wait for the next (read-while-write), so a streamed follower sees the leader's
/// stream as it arrives, from its first byte.
/// </summary>
/// <remarks>
/// Chunks are copied once as they pass (the leader's buffer is reused by the proxy), appended under a lock, and never
/// changed after; a reader holds its own index, so any number of followers read without coordinating. Each append
/// completes the task the readers wait on and makes a new one: a wake-up per chunk, only for coalesced requests.
/// </remarks>
public sealed class ResponseRecording
{
    private readonly Lock _gate = new();
    private readonly List<ReadOnlyMemory<byte>> _chunks = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bodyLength;

    public int StatusCode { get; private set; }

    public string? ContentType { get; private set; }

    /// <summary>Whether the status and content type are known (the leader's response started, or ended).</summary>
    public bool HasHead { get; private set; }

    public RecordingState State { get; private set; }

    /// <summary>Set at completion: the answer may be stored (a success, whole, not refused, within the entry bound).</summary>
    public bool Cacheable { get; private set; }

    /// <summary>Body bytes recorded so far.</summary>
    public long BodyLength
    {
        get
        {
            lock (_gate)
            {
                return _bodyLength;
            }
        }
    }

    /// <summary>The leader's response started: status and content type are final.</summary>
    public void SetHead(int statusCode, string? contentType)
    {
        lock (_gate)
        {
            if (HasHead)
            {
                return;
            }

            StatusCode = statusCode;
            ContentType = contentType;
            HasHead = true;
        }
    }

    /// <summary>Copies one chunk the leader wrote to its client.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        var copy = chunk.ToArray();
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (State != RecordingState.Recording)
            {
                return;
            }

            _chunks.Add(copy);
            _bodyLength += copy.Length;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>The leader's answer is over; <paramref name="cacheable"/> says whether it may be stored.</summary>
    public void Complete(int statusCode, string? contentType, bool cacheable) => End(RecordingState.Complete, statusCode, contentType, cacheable);

    /// <summary>The leader's client left and took the upstream call with it.</summary>
    public void Abandon() => End(RecordingState.Abandoned, 0, null, cacheable: false);

    /// <summary>
    /// The chunk at <paramref name="index"/> if recorded; otherwise the state and, while recording, a task that
    /// completes when something changes.
    /// </summary>
    public bool TryRead(int index, out ReadOnlyMemory<byte> chunk, out RecordingState state, out Task changed)
    {
        lock (_gate)
        {
            state = State;
            changed = _changed.Task;
            if (index < _chunks.Count)
            {
                chunk = _chunks[index];
                return true;
            }

            chunk = default;
            return false;
        }
    }

    /// <summary>The complete answer as a cache entry.</summary>
    public CachedAnswer ToAnswer(long storedAt)
    {
        lock (_gate)
        {
            return new CachedAnswer(StatusCode, ContentType, [.. _chunks], storedAt);
        }
    }

    private void End(RecordingState state, int statusCode, string? contentType, bool cacheable)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (State != RecordingState.Recording)
            {
                return;
            }

            if (!HasHead && state == RecordingState.Complete)
            {
                StatusCode = statusCode;
                ContentType = contentType;
                HasHead = true;
            }

            State = state;
            Cacheable = cacheable && state == RecordingState.Complete;
            changed = _changed;
        }

        changed.TrySetResult();
    }
}
