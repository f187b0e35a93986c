using Aigis.Core.Caching;

namespace Aigis.Core.Tests.Caching;

public sealed class ResponseRecordingTests
{
    [Fact]
    public async Task A_reader_gets_every_chunk_from_the_start_and_waits_for_the_next()
    {
        var recording = new ResponseRecording();
        recording.SetHead(200, "text/event-stream");
        recording.Append("data: 1\n\n"u8);

        Assert.True(recording.TryRead(0, out var first, out _, out _));
        Assert.Equal("data: 1\n\n"u8.ToArray(), first.ToArray());
        Assert.False(recording.TryRead(1, out _, out var state, out var changed));
        Assert.Equal(RecordingState.Recording, state);
        Assert.False(changed.IsCompleted);

        recording.Append("data: 2\n\n"u8);
        await changed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(recording.TryRead(1, out var second, out _, out _));
        Assert.Equal("data: 2\n\n"u8.ToArray(), second.ToArray());

        recording.Complete(200, "text/event-stream", cacheable: true);
        Assert.False(recording.TryRead(2, out _, out state, out _));
        Assert.Equal(RecordingState.Complete, state);
        Assert.Equal(2, recording.ToAnswer(0).Chunks.Length);
    }

    [Fact]
    public void Chunks_are_copied_so_the_writer_may_reuse_its_buffer()
    {
        var recording = new ResponseRecording();
        var buffer = "abc"u8.ToArray();
        recording.Append(buffer);
        buffer[0] = (byte)'x';
        Assert.True(recording.TryRead(0, out var chunk, out _, out _));
        Assert.Equal("abc"u8.ToArray(), chunk.ToArray());
    }

    [Fact]
    public async Task An_abandoned_recording_wakes_its_readers_and_is_never_cacheable()
    {
        var recording = new ResponseRecording();
        recording.TryRead(0, out _, out _, out var changed);
        recording.Abandon();
        await changed.WaitAsync(TimeSpan.FromSeconds(5));
        recording.TryRead(0, out _, out var state, out _);
        Assert.Equal(RecordingState.Abandoned, state);
        Assert.False(recording.Cacheable);

        // Too late to complete: the first ending stands.
        recording.Complete(200, "application/json", cacheable: true);
        Assert.False(recording.Cacheable);
    }

    [Fact]
    public void Only_the_first_request_with_a_key_leads()
    {
        var inflight = new InflightRequests();
        Assert.True(inflight.TryLead(7, out var leader));
        Assert.False(inflight.TryLead(7, out var followed));
        Assert.Same(leader, followed);
        Assert.True(inflight.TryLead(8, out _));

        inflight.Finish(7, leader);
        Assert.True(inflight.TryLead(7, out var next));
        Assert.NotSame(leader, next);
    }
}
