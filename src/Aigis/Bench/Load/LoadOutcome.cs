namespace Aigis.Bench.Load;

/// <summary>Error kinds that are not an HTTP status; with the statuses they key <see cref="LoadResult.ErrorsByKind"/>.</summary>
internal static class LoadOutcome
{
    /// <summary>No complete answer within the request timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The connection failed or was reset before a complete answer.</summary>
    public const string Connection = "connection";

    /// <summary>A 2xx stream that ended without <c>data: [DONE]</c> (cut, or ended with an error event).</summary>
    public const string BrokenStream = "broken_stream";
}
