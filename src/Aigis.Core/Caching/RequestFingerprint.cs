using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Aigis.Core.Caching;

/// <summary>
/// The exact cache's key of one model request, and whether its answer is deterministic by its own fields.
/// </summary>
/// <param name="Key">The first 128 bits of SHA-256 over the normalized request.</param>
/// <param name="Deterministic">Embeddings, <c>temperature: 0</c>, or a <c>seed</c>: the same request gets the same answer.</param>
public readonly record struct RequestFingerprint(UInt128 Key, bool Deterministic)
{
    /// <summary>
    /// Top-level fields that never change the answer, left out of the key: <c>stream</c> (the shape of the answer is
    /// its own part of the key, see <see cref="Compute"/>), <c>user</c> (an end-user id for abuse tracking),
    /// <c>metadata</c> and <c>store</c> (bookkeeping of stored completions). Every other field is in the key, unknown
    /// ones included: a field the gateway does not know might change the output, and a wrong answer costs more than
    /// a miss.
    /// </summary>
    private static readonly string[] s_ignored = ["stream", "user", "metadata", "store"];

    private const double MaxExactInteger = 9007199254740992d; // 2^53

    /// <summary>
    /// Normalizes and hashes a model request: object keys sorted, whitespace and escapes gone, numbers compared by
    /// value (<c>0</c>, <c>0.0</c> and <c>0e0</c> are one temperature), arrays kept in order (message order matters).
    /// The endpoint, the scope (a tenant's name, or none for a shared cache) and the answer's shape (a stream is
    /// replayed chunk for chunk, a JSON answer as one body; neither can stand in for the other) come first.
    /// </summary>
    /// <remarks>
    /// A cryptographic hash, not xxHash: in a shared cache a tenant able to craft a collision could plant an answer
    /// for another tenant's prompt. 128 bits keep the key a value type that costs no allocation to compare.
    /// The body must be valid JSON (the body stage refused anything else).
    /// </remarks>
    public static RequestFingerprint Compute(string endpoint, string? scope, ReadOnlyMemory<byte> body, bool stream)
    {
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        var canonical = new ArrayBufferWriter<byte>(Math.Max(256, body.Length + 64));
        WriteString(canonical, "aigis-cache-v1");
        WriteString(canonical, endpoint);
        WriteString(canonical, scope ?? "\0shared");
        canonical.Write(stream ? "S"u8 : "J"u8);
        var root = document.RootElement;
        var deterministic = endpoint == "/v1/embeddings";
        canonical.Write("o"u8);
        foreach (var property in Sorted(root))
        {
            if (Array.IndexOf(s_ignored, property.Name) >= 0)
            {
                continue;
            }

            deterministic |= property.Name switch
            {
                "temperature" => property.Value.ValueKind == JsonValueKind.Number && property.Value.GetDouble() == 0,
                "seed" => property.Value.ValueKind == JsonValueKind.Number,
                _ => false,
            };
            WriteString(canonical, property.Name);
            WriteValue(canonical, property.Value);
        }

        canonical.Write("}"u8);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(canonical.WrittenSpan, hash);
        return new RequestFingerprint(BinaryPrimitives.ReadUInt128LittleEndian(hash), deterministic);
    }

    private static JsonProperty[] Sorted(JsonElement element)
    {
        var properties = element.EnumerateObject().ToArray();

        // Stable: a key given twice keeps its order, so two such bodies differ exactly when their values do.
        return [.. properties.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    private static void WriteValue(ArrayBufferWriter<byte> output, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                output.Write("o"u8);
                foreach (var property in Sorted(value))
                {
                    WriteString(output, property.Name);
                    WriteValue(output, property.Value);
                }

                output.Write("}"u8);
                break;
            case JsonValueKind.Array:
                output.Write("a"u8);
                foreach (var item in value.EnumerateArray())
                {
                    WriteValue(output, item);
                }

                output.Write("]"u8);
                break;
            case JsonValueKind.String:
                output.Write("s"u8);
                WriteString(output, value.GetString()!);
                break;
            case JsonValueKind.Number:
                WriteNumber(output, value);
                break;
            case JsonValueKind.True:
                output.Write("t"u8);
                break;
            case JsonValueKind.False:
                output.Write("f"u8);
                break;
            default:
                output.Write("z"u8);
                break;
        }
    }

    /// <summary>By value: integers exactly (a 64-bit seed must not round), other numbers as doubles, -0 as 0.</summary>
    private static void WriteNumber(ArrayBufferWriter<byte> output, JsonElement value)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (value.TryGetInt64(out var integer))
        {
            output.Write("i"u8);
            BinaryPrimitives.WriteInt64LittleEndian(bytes, integer);
        }
        else if (value.TryGetDouble(out var real) && double.IsFinite(real))
        {
            if (Math.Abs(real) < MaxExactInteger && real == Math.Floor(real))
            {
                output.Write("i"u8);
                BinaryPrimitives.WriteInt64LittleEndian(bytes, (long)real);
            }
            else
            {
                output.Write("d"u8);
                BinaryPrimitives.WriteDoubleLittleEndian(bytes, real);
            }
        }
        else
        {
            // Past double's range: the text is all there is to compare.
            output.Write("r"u8);
            WriteString(output, value.GetRawText());
            return;
        }

        output.Write(bytes);
    }

    /// <summary>Length-prefixed, so no two sequences of strings write the same bytes.</summary>
    private static void WriteString(ArrayBufferWriter<byte> output, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        Span<byte> prefix = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, length);
        output.Write(prefix);
        Encoding.UTF8.GetBytes(text, output.GetSpan(length));
        output.Advance(length);
    }
}
