using System.Buffers;
using System.Threading.Channels;

namespace Aigis.Telemetry;

/// <summary>
/// Writes whole lines to a stream (standard output or a file) from a background loop, so a request never waits
/// for a disk or a slow terminal. Bounded: when the writer falls behind by <c>capacity</c> lines, new lines are
/// dropped and counted rather than queued without end.
/// </summary>
internal sealed class JsonLineSink : IAsyncDisposable
{
    private readonly Channel<Entry> _lines;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly Task _loop;
    private long _dropped;

    public JsonLineSink(Stream stream, bool ownsStream, int capacity = 16384)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _lines = Channel.CreateBounded<Entry>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Lines dropped because the writer fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Opens the sink for a destination: <c>stdout</c> or a file path (appended to, its directory created).</summary>
    public static JsonLineSink Open(string destination, Stream? standardOutput)
    {
        if (destination == Core.Configuration.TelemetryConfig.Stdout)
        {
            return new JsonLineSink(standardOutput ?? Console.OpenStandardOutput(), ownsStream: standardOutput is null);
        }

        var full = Path.GetFullPath(destination);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var file = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
        return new JsonLineSink(file, ownsStream: true);
    }

    /// <summary>Queues one line (without its newline); <paramref name="line"/> is copied, so the caller may reuse it.</summary>
    public void Write(ReadOnlySpan<byte> line)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(line.Length + 1);
        line.CopyTo(buffer);
        buffer[line.Length] = (byte)'\n';
        if (!_lines.Writer.TryWrite(new Entry(buffer, line.Length + 1, null)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Completes when every line queued before the call is written and flushed.</summary>
    public Task FlushAsync()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _lines.Writer.TryWrite(new Entry(null, 0, flushed)) ? flushed.Task : Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _loop;
        if (_ownsStream)
        {
            await _stream.DisposeAsync();
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _lines.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var entry))
            {
                if (entry.Buffer is { } buffer)
                {
                    await WriteAsync(buffer.AsMemory(0, entry.Length));
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                else
                {
                    await FlushStreamAsync();
                    entry.Flushed!.TrySetResult();
                }
            }

            // Nothing more queued right now: what was written becomes visible.
            await FlushStreamAsync();
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> line)
    {
        try
        {
            await _stream.WriteAsync(line);
        }
        catch (IOException)
        {
            // A full disk or a closed pipe must not take the gateway down; the line is lost and counted.
            Interlocked.Increment(ref _dropped);
        }
    }

    private async Task FlushStreamAsync()
    {
        try
        {
            await _stream.FlushAsync();
        }
        catch (IOException)
        {
            // As above: logging trouble never fails requests.
        }
    }

    private readonly record struct Entry(byte[]? Buffer, int Length, TaskCompletionSource? Flushed);
}
