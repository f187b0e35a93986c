using System.Text;
using Aigis.Core.Tokens;

namespace Aigis.Core.Tests.Tokens;

public sealed class SseParserTests
{
    private const string Stream =
        ": a comment\r\n" +
        "event: message\r\n" +
        "data: {\"a\":1}\r\n" +
        "\r\n" +
        "data:{\"b\":2}\n" +
        "data: second line\n" +
        "id: 7\n" +
        "\n" +
        "data: [DONE]\r" +
        "\r" +
        "data: never ended\n";

    private static readonly string[] s_expected = ["{\"a\":1}", "{\"b\":2}\nsecond line", "[DONE]"];

    [Fact]
    public void Parses_events_with_every_line_ending_and_ignores_comments_other_fields_and_an_unfinished_event()
    {
        Assert.Equal(s_expected, Parse([Encoding.UTF8.GetBytes(Stream)]));
    }

    [Fact]
    public void Gives_the_same_events_however_the_stream_is_split_into_chunks()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var first = 1; first < bytes.Length; first++)
        {
            for (var second = first; second < bytes.Length; second += 7)
            {
                var chunks = new[] { bytes[..first], bytes[first..second], bytes[second..] };
                Assert.Equal(s_expected, Parse(chunks));
            }
        }
    }

    [Fact]
    public void Gives_the_same_events_when_fed_one_byte_at_a_time()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);

        Assert.Equal(s_expected, Parse(bytes.Select(b => new[] { b }).ToArray()));
    }

    [Fact]
    public void Stops_at_its_bound_instead_of_growing_without_end()
    {
        var sink = new Sink();
        using var parser = new SseParser(sink, maxEventBytes: 1024);

        parser.Feed(Encoding.ASCII.GetBytes("data: " + new string('x', 5000)));
        parser.Feed("\n\n"u8);

        Assert.True(parser.Overflowed);
        Assert.Empty(sink.Events);
    }

    private static List<string> Parse(IEnumerable<byte[]> chunks)
    {
        var sink = new Sink();
        using var parser = new SseParser(sink);
        foreach (var chunk in chunks)
        {
            parser.Feed(chunk);
        }

        return sink.Events;
    }

    private sealed class Sink : ISseEventSink
    {
        public List<string> Events { get; } = [];

        public void OnEvent(ReadOnlySpan<byte> data) => Events.Add(Encoding.UTF8.GetString(data));
    }
}
