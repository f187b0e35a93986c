using Microsoft.AspNetCore.Http;

namespace Aigis.Pipeline;

/// <summary>
/// What the pipeline learned about one request, filled in by each stage as it goes (who called, which
/// service, model and instance served it, which stage refused it, tokens, cache result), and read once at
/// the end by telemetry (access log, metrics). One per request, set first thing by <see cref="RequestIdMiddleware"/>.
/// </summary>
internal sealed class RequestRecord(long startedAt)
{
    /// <summary>When the gateway received the request (a <see cref="TimeProvider"/> timestamp).</summary>
    public long StartedAt { get; } = startedAt;

    public string? Tenant { get; set; }

    public string? KeyId { get; set; }

    public string? Service { get; set; }

    public string? Model { get; set; }

    /// <summary>The instance of the last upstream attempt.</summary>
    public string? InstanceId { get; set; }

    /// <summary>Upstream attempts made (0 when the request never left the gateway; more than 1 after retries or fallbacks).</summary>
    public int Attempts { get; set; }

    /// <summary>The <see cref="PipelineStage"/> that ended the request with an error; null when it was served.</summary>
    public string? RefusedBy { get; set; }

    /// <summary>The error <c>code</c> sent to the client, when the gateway answered with an error.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>When the first response byte from the upstream arrived (timestamp), 0 if none did.</summary>
    public long FirstByteAt { get; set; }

    /// <summary>Prompt tokens counted or reported; -1 when unknown.</summary>
    public int PromptTokens { get; set; } = -1;

    /// <summary>Completion tokens counted or reported; -1 when unknown.</summary>
    public int CompletionTokens { get; set; } = -1;

    /// <summary><c>hit</c>, <c>miss</c>, <c>bypass</c> or <c>coalesced</c> (<see cref="Caching.CacheResults"/>); null when the cache did not look at the request.</summary>
    public string? CacheResult { get; set; }

    public bool Streamed { get; set; }
}

internal static class RequestRecordExtensions
{
    /// <summary>The request's record; a detached one for requests that bypassed <see cref="RequestIdMiddleware"/> (tests of single stages).</summary>
    public static RequestRecord Record(this HttpContext context)
    {
        var record = context.Features.Get<RequestRecord>();
        if (record is null)
        {
            record = new RequestRecord(0);
            context.Features.Set(record);
        }

        return record;
    }
}
