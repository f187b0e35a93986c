namespace Aigis.Core.Caching;

/// <summary>
/// An answer kept in the cache: its status, content type and body as the chunks the upstream sent, so a stream is
/// replayed as a stream, event by event, usage included.
/// </summary>
public sealed class CachedAnswer
{
    /// <summary>Bookkeeping the cache pays per entry besides the body (key, node, arrays), counted against its bound.</summary>
    public const int EntryOverhead = 160;

    /// <summary>Bookkeeping per chunk (the memory slice).</summary>
    public const int ChunkOverhead = 16;

    public CachedAnswer(int statusCode, string? contentType, ReadOnlyMemory<byte>[] chunks, long storedAt)
    {
        StatusCode = statusCode;
        ContentType = contentType;
        Chunks = chunks;
        StoredAt = storedAt;
        long body = 0;
        foreach (var chunk in chunks)
        {
            body += chunk.Length;
        }

        BodyLength = body;
        Bytes = EntryOverhead + body + (long)chunks.Length * ChunkOverhead + (contentType?.Length ?? 0) * 2;
    }

    public int StatusCode { get; }

    public string? ContentType { get; }

    /// <summary>The body, in the chunks it was written in.</summary>
    public ReadOnlyMemory<byte>[] Chunks { get; }

    public long BodyLength { get; }

    /// <summary>What the entry costs the cache's byte bound.</summary>
    public long Bytes { get; }

    /// <summary>When it was stored (a <see cref="TimeProvider"/> timestamp): the TTL runs from here.</summary>
    public long StoredAt { get; }
}
