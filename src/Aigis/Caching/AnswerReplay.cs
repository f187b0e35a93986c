using System.Text;
using Aigis.Core.Caching;
using Microsoft.AspNetCore.Http;

namespace Aigis.Caching;

/// <summary>
/// Writes a cached answer, or follows a leader's answer as it is recorded, to a client: status, content type, and
/// the body in the chunks the upstream sent, each flushed at once for an event stream so a replayed stream arrives
/// as a stream.
/// </summary>
internal static class AnswerReplay
{
    private static readonly byte[] s_leaderGone = Encoding.UTF8.GetBytes(
        "\ndata: {\"error\":{\"message\":\"The identical request this one was sharing an answer with was cancelled by its client before the answer was complete; retry the request.\",\"type\":\"server_error\",\"code\":\"upstream_stream_error\"}}\n\n");

    public static async Task WriteAsync(HttpContext context, CachedAnswer answer)
    {
        var response = context.Response;
        response.StatusCode = answer.StatusCode;
        response.ContentType = answer.ContentType;
        var stream = IsEventStream(answer.ContentType);
        if (!stream)
        {
            response.ContentLength = answer.BodyLength;
        }

        var aborted = context.RequestAborted;
        foreach (var chunk in answer.Chunks)
        {
            await response.Body.WriteAsync(chunk, aborted);
            if (stream)
            {
                await response.Body.FlushAsync(aborted);
            }
        }
    }

    /// <summary>
    /// Replays <paramref name="recording"/> from its first chunk, waiting for each next one while the leader still
    /// receives it. Returns <see cref="RecordingState.Abandoned"/> only when the leader's client left before this
    /// client was sent anything (the caller may then go upstream itself); a leader lost after that ends this answer
    /// as broken (an error event, or an aborted body). A client that leaves stops only its own replay.
    /// </summary>
    public static async Task<RecordingState> FollowAsync(HttpContext context, ResponseRecording recording)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        var index = 0;
        var stream = false;
        var started = false;
        while (true)
        {
            if (recording.TryRead(index, out var chunk, out var state, out var changed))
            {
                if (!started)
                {
                    stream = Start(response, recording, knownLength: -1);
                    started = true;
                }

                await response.Body.WriteAsync(chunk, aborted);
                if (stream)
                {
                    await response.Body.FlushAsync(aborted);
                }

                index++;
                continue;
            }

            switch (state)
            {
                case RecordingState.Complete:
                    if (!started)
                    {
                        Start(response, recording, knownLength: recording.BodyLength);
                    }

                    return state;
                case RecordingState.Abandoned when !started:
                    return state;
                case RecordingState.Abandoned:
                    if (stream)
                    {
                        await response.Body.WriteAsync(s_leaderGone, aborted);
                    }
                    else
                    {
                        // A plain body cannot say it is broken: cut it, as the proxy cuts a broken upstream body.
                        context.Abort();
                    }

                    return RecordingState.Complete;
            }

            await changed.WaitAsync(aborted);
        }
    }

    private static bool Start(HttpResponse response, ResponseRecording recording, long knownLength)
    {
        response.StatusCode = recording.StatusCode;
        response.ContentType = recording.ContentType;
        var stream = IsEventStream(recording.ContentType);
        if (knownLength >= 0 && !stream)
        {
            response.ContentLength = knownLength;
        }

        return stream;
    }

    private static bool IsEventStream(string? contentType) =>
        contentType is not null && contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);
}
