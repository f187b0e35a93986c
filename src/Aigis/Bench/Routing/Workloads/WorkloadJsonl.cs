using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Aigis.Bench.Routing.Workloads;

/// <summary>
/// The workload file format of DESIGN.md: JSON Lines, one request a line, in arrival order:
/// <c>{"at_ms": 1250.0, "session": "u17", "prompt": [{"id": "sys-2", "tokens": 1200}], "max_tokens": 180}</c>.
/// </summary>
/// <remarks>
/// Read by hand over <see cref="JsonDocument"/> rather than deserialized, so each mistake gets its own message
/// naming the line and the field; unknown fields are refused because a misspelt <c>max_token</c> would otherwise
/// be silently ignored.
/// </remarks>
internal static class WorkloadJsonl
{
    public static WorkloadReadResult ReadFile(string path, int maxModelTokens)
    {
        try
        {
            using var reader = new StreamReader(path);
            return Read(reader, path, maxModelTokens);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Outside input: a missing or unreadable file is bad input, reported in one line.
            return WorkloadReadResult.Failure($"{path}: cannot read the workload file: {e.Message}");
        }
    }

    /// <param name="name">How errors name the source (the file's path).</param>
    /// <param name="maxModelTokens">The largest prompt plus answer the simulated engine can hold.</param>
    public static WorkloadReadResult Read(TextReader reader, string name, int maxModelTokens)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var requests = new List<WorkloadRequest>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var previousAt = double.NegativeInfinity;
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var error = ParseLine(line, ids, maxModelTokens, out var request);
            if (error is null && request!.AtMs < previousAt)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"at_ms {request.AtMs} is before the previous request's {previousAt}; requests must be in arrival order");
            }

            if (error is not null)
            {
                return WorkloadReadResult.Failure($"{name}:{lineNumber}: {error}");
            }

            previousAt = request!.AtMs;
            requests.Add(request);
        }

        return requests.Count == 0
            ? WorkloadReadResult.Failure($"{name}: the workload has no requests")
            : WorkloadReadResult.Success(new Workload(requests));
    }

    public static void Write(Stream stream, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(workload);
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var json = new Utf8JsonWriter(buffer);
        foreach (var request in workload.Requests)
        {
            json.Reset();
            buffer.ResetWrittenCount();
            json.WriteStartObject();
            json.WriteNumber("at_ms", request.AtMs);
            if (request.Session is null)
            {
                json.WriteNull("session");
            }
            else
            {
                json.WriteString("session", request.Session);
            }

            json.WriteStartArray("prompt");
            foreach (var segment in request.Prompt)
            {
                json.WriteStartObject();
                json.WriteString("id", segment.Id);
                json.WriteNumber("tokens", segment.Tokens);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("max_tokens", request.MaxTokens);
            json.WriteEndObject();
            json.Flush();
            stream.Write(buffer.WrittenSpan);
            stream.WriteByte((byte)'\n');
        }
    }

    private static string? ParseLine(string line, Dictionary<string, string> ids, int maxModelTokens, out WorkloadRequest? request)
    {
        request = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            // Outside input: malformed JSON is bad input; its message says where on the line.
            return $"not valid JSON: {e.Message}";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "a request must be a JSON object";
            }

            double? atMs = null;
            string? session = null;
            PromptSegment[]? prompt = null;
            int? maxTokens = null;
            foreach (var property in root.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "at_ms":
                        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var at) || !double.IsFinite(at) || at < 0)
                        {
                            return "\"at_ms\" must be a number of milliseconds, 0 or more";
                        }

                        atMs = at;
                        break;
                    case "session":
                        if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                        {
                            return "\"session\" must be a string";
                        }

                        session = value.GetString();
                        break;
                    case "prompt":
                        var error = ParsePrompt(value, ids, out prompt);
                        if (error is not null)
                        {
                            return error;
                        }

                        break;
                    case "max_tokens":
                        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var max) || max < 1)
                        {
                            return "\"max_tokens\" must be a whole number of tokens, 1 or more";
                        }

                        maxTokens = max;
                        break;
                    default:
                        return $"unknown field \"{property.Name}\"; a request has at_ms, session, prompt and max_tokens";
                }
            }

            if (atMs is null || prompt is null || maxTokens is null)
            {
                var missing = atMs is null ? "at_ms" : prompt is null ? "prompt" : "max_tokens";
                return $"missing \"{missing}\"";
            }

            request = new WorkloadRequest(atMs.Value, session, prompt, maxTokens.Value);
            if ((long)request.PromptTokens + request.MaxTokens > maxModelTokens)
            {
                return string.Create(CultureInfo.InvariantCulture, $"a prompt of {request.PromptTokens} tokens plus max_tokens {request.MaxTokens} exceeds the simulated engine's KV cache of {maxModelTokens} tokens");
            }

            return null;
        }
    }

    private static string? ParsePrompt(JsonElement value, Dictionary<string, string> ids, out PromptSegment[]? prompt)
    {
        prompt = null;
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            return "\"prompt\" must be a non-empty array of segments like {\"id\": \"sys-2\", \"tokens\": 1200}";
        }

        var segments = new PromptSegment[value.GetArrayLength()];
        var index = 0;
        long total = 0;
        foreach (var element in value.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object
                || !element.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } text
                || !element.TryGetProperty("tokens", out var tokens) || tokens.ValueKind != JsonValueKind.Number || !tokens.TryGetInt32(out var count) || count < 1)
            {
                return $"prompt[{index}] must be {{\"id\": non-empty string, \"tokens\": whole number 1 or more}}";
            }

            foreach (var property in element.EnumerateObject())
            {
                if (property.Name is not ("id" or "tokens"))
                {
                    return $"prompt[{index}] has an unknown field \"{property.Name}\"; a segment has id and tokens";
                }
            }

            // Segment ids recur across many requests (shared system prompts, earlier turns): keep one copy each.
            if (!ids.TryGetValue(text, out var shared))
            {
                ids[text] = shared = text;
            }

            total += count;
            segments[index++] = new PromptSegment(shared, count);
        }

        if (total > int.MaxValue)
        {
            return "the prompt is too long";
        }

        prompt = segments;
        return null;
    }
}
