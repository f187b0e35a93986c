using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Aigis.Telemetry;

/// <summary>
/// The access log: one JSON object per request on one line, written when the response has ended. It holds ids,
/// names, codes and timings only: never a header value, a body, or a credential (keys are identified by id).
/// </summary>
/// <remarks>
/// Lines are formatted with a pooled <see cref="Utf8JsonWriter"/> into a pooled buffer and handed to a
/// <see cref="JsonLineSink"/>; the request pays for formatting only, never for I/O.
/// </remarks>
internal sealed class AccessLogWriter(JsonLineSink? sink, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentBag<Formatter> _formatters = [];

    /// <summary>A writer that writes nothing (<c>telemetry.accessLog: off</c>).</summary>
    public bool IsEnabled => sink is not null;

    public void Write(HttpContext context, RequestRecord record, Activity activity, int status, bool aborted, long endedAt)
    {
        if (sink is null)
        {
            return;
        }

        if (!_formatters.TryTake(out var formatter))
        {
            formatter = new Formatter();
        }

        try
        {
            var json = formatter.Start();
            json.WriteStartObject();
            json.WriteString("ts", time.GetUtcNow());
            json.WriteString("request_id", context.TraceIdentifier);
            WriteHex(json, "trace_id", activity.TraceId);
            WriteHex(json, "span_id", activity.SpanId);
            json.WriteString("method", context.Request.Method);
            json.WriteString("path", context.Request.PathBase.HasValue ? string.Concat(context.Request.PathBase.Value, context.Request.Path.Value) : context.Request.Path.Value);
            WriteNullable(json, "tenant", record.Tenant);
            WriteNullable(json, "key_id", record.KeyId);
            WriteNullable(json, "service", record.Service);
            WriteNullable(json, "model", record.Model);
            WriteNullable(json, "instance", record.InstanceId);
            json.WriteNumber("status", status);
            json.WriteString("outcome", record.RefusedBy ?? (aborted ? GatewayMetrics.Aborted : GatewayMetrics.Served));
            WriteNullable(json, "refused_by", record.RefusedBy);
            WriteNullable(json, "error_code", record.ErrorCode);
            json.WriteNumber("duration_ms", Math.Round(time.GetElapsedTime(record.StartedAt, endedAt).TotalMilliseconds, 3));
            if (record.FirstByteAt != 0)
            {
                json.WriteNumber("ttft_ms", Math.Round(time.GetElapsedTime(record.StartedAt, record.FirstByteAt).TotalMilliseconds, 3));
            }
            else
            {
                json.WriteNull("ttft_ms");
            }

            WriteCount(json, "tokens_in", record.PromptTokens);
            WriteCount(json, "tokens_out", record.CompletionTokens);
            WriteNullable(json, "cache", record.CacheResult);
            json.WriteNumber("attempts", record.Attempts);
            json.WriteBoolean("streamed", record.Streamed);
            json.WriteEndObject();
            json.Flush();
            sink.Write(formatter.Written);
        }
        finally
        {
            _formatters.Add(formatter);
        }
    }

    /// <summary>Completes when every line of a request that has ended is written.</summary>
    public Task FlushAsync() => sink?.FlushAsync() ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (sink is not null)
        {
            await sink.DisposeAsync();
        }

        while (_formatters.TryTake(out var formatter))
        {
            formatter.Dispose();
        }
    }

    // ToHexString() would allocate a string per request; the ids are copied as bytes and hex-encoded on the stack.
    private static void WriteHex(Utf8JsonWriter json, string name, ActivityTraceId id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.CopyTo(bytes);
        Span<char> hex = stackalloc char[32];
        Convert.TryToHexStringLower(bytes, hex, out _);
        json.WriteString(name, hex);
    }

    private static void WriteHex(Utf8JsonWriter json, string name, ActivitySpanId id)
    {
        Span<byte> bytes = stackalloc byte[8];
        id.CopyTo(bytes);
        Span<char> hex = stackalloc char[16];
        Convert.TryToHexStringLower(bytes, hex, out _);
        json.WriteString(name, hex);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteCount(Utf8JsonWriter json, string name, int value)
    {
        if (value < 0)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteNumber(name, value);
        }
    }

    private sealed class Formatter : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _json;

        public Formatter() => _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

        public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

        public void Dispose() => _json.Dispose();

        public Utf8JsonWriter Start()
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            return _json;
        }
    }
}
