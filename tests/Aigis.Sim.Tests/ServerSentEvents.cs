using System.Text.Json;

namespace Aigis.Sim.Tests;

/// <summary>One received server-sent event and when it arrived.</summary>
internal sealed record ReceivedEvent(string Data, TimeSpan ArrivedAfter)
{
    public bool IsDone => Data == "[DONE]";

    public JsonElement Json => JsonDocument.Parse(Data).RootElement;
}

/// <summary>Reads an event stream as it arrives, timestamping each event.</summary>
internal static class ServerSentEvents
{
    public static async Task<IReadOnlyList<ReceivedEvent>> ReadAllAsync(HttpResponseMessage response, long startTimestamp)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<ReceivedEvent>();
        while (await ReadNextAsync(reader, startTimestamp) is { } received)
        {
            events.Add(received);
        }

        return events;
    }

    /// <summary>The next event, or null at the end of the stream.</summary>
    public static async Task<ReceivedEvent?> ReadNextAsync(StreamReader reader, long startTimestamp)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return new ReceivedEvent(line["data: ".Length..], TimeProvider.System.GetElapsedTime(startTimestamp));
            }

            Assert.Equal(string.Empty, line);
        }

        return null;
    }
}
