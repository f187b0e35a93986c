using Aigis.Proxy;

namespace Aigis.Tests.Proxy;

public sealed class FirstByteTimingContentTests
{
    [Fact]
    public async Task Signals_once_when_the_first_bytes_arrive_not_before_and_passes_the_body_through()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        var inner = new StreamContent(pipe.Reader.AsStream());
        inner.Headers.ContentType = new("text/event-stream");
        var signals = 0;
        using var content = new FirstByteTimingContent(inner, () => Interlocked.Increment(ref signals));

        var stream = await content.ReadAsStreamAsync();
        var buffer = new byte[64];
        var firstRead = stream.ReadAsync(buffer).AsTask();
        Assert.False(firstRead.IsCompleted);
        Assert.Equal(0, signals);

        await pipe.Writer.WriteAsync("data: 1\n\n"u8.ToArray());
        var read = await firstRead.WaitAsync(TimeSpan.FromSeconds(10));
        await pipe.Writer.WriteAsync("data: 2\n\n"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        var rest = await new StreamReader(stream).ReadToEndAsync();

        Assert.Equal("data: 1\n\n", System.Text.Encoding.UTF8.GetString(buffer, 0, read));
        Assert.Equal("data: 2\n\n", rest);
        Assert.Equal(1, signals);
        Assert.Equal("text/event-stream", content.Headers.ContentType?.MediaType);
    }
}
