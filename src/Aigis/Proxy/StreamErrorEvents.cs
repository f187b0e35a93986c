using System.Text;

namespace Aigis.Proxy;

/// <summary>
/// The last event of a stream that broke upstream, in OpenAI's streaming error shape. It is followed by the end of
/// the response and never by <c>data: [DONE]</c>, so no client mistakes the truncated answer for a finished one.
/// </summary>
internal static class StreamErrorEvents
{
    public const string Code = "upstream_stream_error";

    private static readonly byte[] s_cut = Event("The upstream closed the stream before the answer was complete.");
    private static readonly byte[] s_stalled = Event("The upstream sent nothing for longer than the idle timeout; the stream was ended.");
    private static readonly byte[] s_malformed = Event("The upstream sent a malformed event; the stream was ended.");
    private static readonly byte[] s_total = Event("The answer took longer than the total timeout; the stream was ended.");
    private static readonly byte[] s_shuttingDown = Event("The gateway is shutting down and cut this answer before it finished; retry the request.", "shutting_down");

    /// <summary>The event for <paramref name="failure"/>, preceded by a blank line when an event was left open.</summary>
    public static ReadOnlyMemory<byte> For(UpstreamFailure failure, bool eventOpen)
    {
        var bytes = failure switch
        {
            UpstreamFailure.IdleTimeout => s_stalled,
            UpstreamFailure.Malformed => s_malformed,
            UpstreamFailure.TotalTimeout => s_total,
            UpstreamFailure.ShuttingDown => s_shuttingDown,
            _ => s_cut,
        };

        // Each event starts with "\n" so an event whose blank line never came is closed first; skip it otherwise.
        return eventOpen ? bytes : bytes.AsMemory(1);
    }

    /// <summary>The metric label of a broken stream.</summary>
    public static string Kind(UpstreamFailure failure) => failure switch
    {
        UpstreamFailure.IdleTimeout => "stalled",
        UpstreamFailure.Malformed => "malformed",
        UpstreamFailure.TotalTimeout => "total_timeout",
        UpstreamFailure.ShuttingDown => "shutting_down",
        _ => "cut",
    };

    private static byte[] Event(string message, string code = Code) =>
        Encoding.UTF8.GetBytes($"\ndata: {{\"error\":{{\"message\":\"{message}\",\"type\":\"server_error\",\"code\":\"{code}\"}}}}\n\n");
}
