using System.Buffers;

namespace Aigis.Pipeline;

/// <summary>
/// A model-API request body read once into a pooled buffer, with the fields routing needs.
/// The bytes are forwarded as they came: nothing is re-serialized.
/// </summary>
internal sealed class ModelRequest : IDisposable
{
    private byte[]? _buffer;

    public ModelRequest(byte[] buffer, int length, string model, bool stream)
    {
        _buffer = buffer;
        Length = length;
        Model = model;
        Stream = stream;
    }

    public string Model { get; }

    /// <summary>True when the client asked for server-sent events.</summary>
    public bool Stream { get; }

    public int Length { get; }

    /// <summary>The completion cap the caller set (<c>max_completion_tokens</c> or <c>max_tokens</c>); 0 when none.</summary>
    public long MaxTokens { get; init; }

    public ReadOnlyMemory<byte> Body => _buffer.AsMemory(0, Length);

    /// <summary>A read-only stream over the body, for the forwarder.</summary>
    public MemoryStream OpenRead() => new(_buffer ?? throw new ObjectDisposedException(nameof(ModelRequest)), 0, Length, writable: false);

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
