using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Aigis.Sim.Faults;
using Aigis.Sim.Http.Payloads;

namespace Aigis.Sim.Http;

/// <summary>Writes OpenAI-style server-sent events (<c>data: {json}\n\n</c>), flushing each one as it is written.</summary>
internal sealed class ServerSentEventWriter : IDisposable
{
    private readonly PipeWriter _body;
    private readonly Utf8JsonWriter _json;
    private readonly IStreamFaultFeature? _faults;

    private ServerSentEventWriter(PipeWriter body, IStreamFaultFeature? faults)
    {
        _body = body;
        _json = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = SimJson.Encoder });
        _faults = faults;
    }

    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    private static ReadOnlySpan<byte> DoneEvent => "data: [DONE]\n\n"u8;

    /// <summary>Sends the response headers at once, so the client sees the stream open before the first token.</summary>
    public static async Task<ServerSentEventWriter> StartAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancellationToken);

        // Headers go out now, as a real server's do, not with the first token: a request that waits in the
        // engine's queue is visibly accepted, and a gateway can tell "queued" from "unreachable".
        await response.BodyWriter.FlushAsync(cancellationToken);

        // Set by the fault middleware only when a stream fault is in force; null otherwise.
        return new ServerSentEventWriter(response.BodyWriter, response.HttpContext.Features.Get<IStreamFaultFeature>());
    }

    public async Task WriteAsync<T>(T payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        if (_faults is not null)
        {
            await _faults.BeforeEventAsync(_body, cancellationToken);
        }

        WriteEvent(payload, typeInfo);
        await FlushAsync(cancellationToken);
    }

    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        if (_faults is not null)
        {
            await _faults.BeforeEventAsync(_body, cancellationToken);
        }

        _body.Write(DoneEvent);
        await FlushAsync(cancellationToken);
    }

    public void Dispose() => _json.Dispose();

    private void WriteEvent<T>(T payload, JsonTypeInfo<T> typeInfo)
    {
        _body.Write(DataPrefix);
        _json.Reset(_body);
        JsonSerializer.Serialize(_json, payload, typeInfo);
        _json.Flush();
        _body.Write(EventEnd);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _body.FlushAsync(cancellationToken);
        if (result.IsCanceled || result.IsCompleted)
        {
            // The client is gone: stop generating for it.
            throw new OperationCanceledException("The client stopped reading the stream.", null, cancellationToken);
        }
    }
}
