using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Aigis.Pipeline;

/// <summary>
/// Reads a model-API body within a size bound and extracts <c>model</c> and <c>stream</c> with a forward-only
/// JSON reader: no document is built and the body is not deserialized.
/// </summary>
internal static class ModelRequestReader
{
    /// <summary>Reads the body. Returns the request, or the error to answer with (null error and null request: the client went away).</summary>
    public static async ValueTask<(ModelRequest? Request, GatewayError? Error)> ReadAsync(HttpContext context, long maxBodySize)
    {
        var request = context.Request;
        if (request.ContentLength > maxBodySize)
        {
            // Refused on the header alone: not a byte of the body is read.
            return (null, GatewayError.BodyTooLarge(maxBodySize));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBodySize;
        }

        var reader = request.BodyReader;
        ReadResult result;
        try
        {
            while (true)
            {
                result = await reader.ReadAsync(context.RequestAborted);
                if (result.Buffer.Length > maxBodySize)
                {
                    reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    return (null, GatewayError.BodyTooLarge(maxBodySize));
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }

                // Nothing consumed, everything examined: wait for more bytes.
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, GatewayError.BodyTooLarge(maxBodySize));
        }
        catch (BadHttpRequestException)
        {
            return (null, GatewayError.BodyUnreadable());
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            return (null, null);
        }

        var body = result.Buffer;
        var length = (int)body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        body.CopyTo(buffer);
        reader.AdvanceTo(body.End);

        var (model, stream, error, maxTokens) = ParseRoutingFields(buffer.AsSpan(0, length));
        if (error is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, error);
        }

        return (new ModelRequest(buffer, length, model!, stream) { MaxTokens = maxTokens }, null);
    }

    /// <summary>
    /// Walks the top level of the object once; every other value is skipped (and so still validated).
    /// <c>MaxTokens</c> is the completion cap the caller set (<c>max_completion_tokens</c>, else <c>max_tokens</c>;
    /// 0 when none or not a positive whole number): token limits reserve it at admission.
    /// </summary>
    internal static (string? Model, bool Stream, GatewayError? Error, long MaxTokens) ParseRoutingFields(ReadOnlySpan<byte> json)
    {
        long maxTokens = 0, maxCompletionTokens = 0;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 128 });
        string? model = null;
        var modelSeen = false;
        var stream = false;
        try
        {
            if (!reader.Read())
            {
                return (null, false, GatewayError.InvalidJson("the body is empty"), 0);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, false, GatewayError.BodyNotObject(), 0);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    if (modelSeen)
                    {
                        // Parsers disagree on which of two keys counts: the gateway would authorize and route one
                        // model while the model server served the other.
                        return (null, false, GatewayError.InvalidJson("the body names `model` twice"), 0);
                    }

                    reader.Read();
                    modelSeen = true;
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        model = reader.GetString();
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return (null, false, GatewayError.ModelNotString(), 0);
                    }
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    stream = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("max_tokens"u8))
                {
                    reader.Read();
                    maxTokens = PositiveWhole(ref reader);
                }
                else if (reader.ValueTextEquals("max_completion_tokens"u8))
                {
                    reader.Read();
                    maxCompletionTokens = PositiveWhole(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Anything after the closing brace (a second object, garbage) makes the body invalid.
            if (reader.Read())
            {
                return (null, false, GatewayError.InvalidJson($"unexpected content after the object at byte {reader.TokenStartIndex}"), 0);
            }
        }
        catch (JsonException e)
        {
            return (null, false, GatewayError.InvalidJson(Describe(e)), 0);
        }

        if (!modelSeen || string.IsNullOrEmpty(model))
        {
            return (null, false, GatewayError.MissingModel(), 0);
        }

        return (model, stream, null, maxCompletionTokens > 0 ? maxCompletionTokens : maxTokens);
    }

    // The model server judges a bad cap; the gateway only reserves a sane one.
    private static long PositiveWhole(ref Utf8JsonReader reader)
    {
        var value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) && n > 0 ? n : 0;
        reader.Skip();
        return value;
    }

    private static string Describe(JsonException e) =>
        e.LineNumber is { } line && e.BytePositionInLine is { } column
            ? $"invalid JSON at line {line + 1}, byte {column + 1}"
            : "invalid JSON";
}
