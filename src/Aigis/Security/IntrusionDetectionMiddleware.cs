using System.Buffers;
using System.Globalization;
using Aigis.Core.Security.Firewall;
using Aigis.Core.Security.Inspection;
using Aigis.Core.Security.Protocol;
using Aigis.Hosting;
using Aigis.Identity;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Aigis.Security;

/// <summary>
/// Anomaly scoring after authentication and authorization. The request line, headers and cookies always get
/// the web-attack rules; so does a generic service's body (<c>/svc/...</c>, its first
/// <c>security.maxInspectSize</c> bytes, peeked without consuming them). A model-API body, read once before
/// (<see cref="GatewayRequest.Body"/>): its message content gets the prompt-injection rules only, its identifier
/// fields the web-attack rules.
/// </summary>
internal sealed partial class IntrusionDetectionMiddleware(RequestDelegate next, SecurityState security, AuditWriter audit, TimeProvider timeProvider, ILogger<IntrusionDetectionMiddleware> logger)
{
    public const string FlagHeader = "x-aigis-prompt-injection";

    /// <remarks>
    /// Not async: with inspection off, and for every request that passes, the stage hands the request on with no
    /// state machine of its own; only a generic service's body (read before deciding) takes the async path.
    /// </remarks>
    public Task InvokeAsync(HttpContext context)
    {
        var policy = context.Resolved()?.Snapshot.Security ?? security.Policy;
        if (!policy.Enabled)
        {
            return next(context);
        }

        var request = context.Request;
        var rules = policy.Rules;
        var card = new ScoreCard();
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value + request.QueryString.Value;
        WebRequestInspector.InspectTarget(rules, request.Method, target, card);
        var protocol = new ProtocolFacts();
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                WebRequestInspector.InspectHeader(rules, name, value, card);
                protocol.Observe(rules, name, value, card);
            }
        }

        protocol.Finish(rules, request.Method, request.Protocol, bodyWithoutLength: false, card);

        var resolved = context.Resolved();
        if (resolved?.Body is { } model)
        {
            ModelBodyInspector.Inspect(rules, model.Body.Span, card);
        }
        else if (resolved?.Kind == EndpointKind.Service && HasBody(request))
        {
            return InspectBodyThenDecideAsync(context, policy, card);
        }

        return Decide(context, policy, card);
    }

    private async Task InspectBodyThenDecideAsync(HttpContext context, SecurityPolicy policy, ScoreCard card)
    {
        if (await InspectGenericBodyAsync(context, policy.Rules, card))
        {
            await Decide(context, policy, card);
        }
    }

    /// <summary>Acts on the verdict: the refusal written, or the request handed on.</summary>
    private Task Decide(HttpContext context, SecurityPolicy policy, ScoreCard card) =>
        ApplyVerdict(context, policy, card) is { } refusal
            ? GatewayErrorWriter.WriteAsync(context, refusal, PipelineStage.IntrusionDetection)
            : next(context);

    /// <summary>Records what the verdict says (metrics, audit, log, flag headers); the error to answer with when it refuses.</summary>
    private GatewayError? ApplyVerdict(HttpContext context, SecurityPolicy policy, ScoreCard card)
    {
        var verdict = policy.Decide(card);
        if (verdict is { Web: IdsOutcome.Pass, PromptInjection: IdsOutcome.Pass })
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        switch (verdict.Web)
        {
            case IdsOutcome.Blocked:
                var family = card.TopWebFamily() ?? "unknown";
                security.Metrics.IdsBlocked(family);
                audit.Record(SecurityAudit.Inspection(context, SecurityAudit.IdsBlocked, "refused", "request_blocked", card, promptInjection: false, now));
                Log.Blocked(logger, context.TraceIdentifier, card.WebScore, card.RuleIds(false));
                context.Items[FirewallMiddleware.IdsBlockedKey] = true;
                return SecurityErrors.RequestBlocked(context.TraceIdentifier);
            case IdsOutcome.Logged:
                audit.Record(SecurityAudit.Inspection(context, SecurityAudit.IdsDetected, "logged", "request_blocked", card, promptInjection: false, now));
                Log.Detected(logger, context.TraceIdentifier, card.WebScore, card.RuleIds(false));
                break;
        }

        switch (verdict.PromptInjection)
        {
            case IdsOutcome.Blocked:
                security.Metrics.IdsBlocked("prompt-injection");
                security.Metrics.PromptInjection("block");
                audit.Record(SecurityAudit.Inspection(context, SecurityAudit.PromptInjection, "refused", "prompt_injection_blocked", card, promptInjection: true, now));
                Log.PromptInjection(logger, context.TraceIdentifier, card.PromptInjectionScore, card.RuleIds(true), "blocked");
                context.Items[FirewallMiddleware.IdsBlockedKey] = true;
                return SecurityErrors.PromptInjectionBlocked(context.TraceIdentifier);
            case IdsOutcome.Flagged or IdsOutcome.Logged:
                var action = verdict.PromptInjection == IdsOutcome.Flagged ? "flag" : "log";
                security.Metrics.PromptInjection(action);
                audit.Record(SecurityAudit.Inspection(context, SecurityAudit.PromptInjection, action == "flag" ? "flagged" : "logged", "prompt_injection", card, promptInjection: true, now));
                Log.PromptInjection(logger, context.TraceIdentifier, card.PromptInjectionScore, card.RuleIds(true), action == "flag" ? "flagged" : "logged");
                if (verdict.PromptInjection == IdsOutcome.Flagged)
                {
                    // Upstream, so the model service (or what sits behind it) can treat the prompt with care; and to the client.
                    var flag = string.Create(CultureInfo.InvariantCulture, $"score={card.PromptInjectionScore}; rules={card.RuleIds(true)}");
                    context.Request.Headers[FlagHeader] = flag;
                    context.Response.Headers[FlagHeader] = flag;
                }

                break;
        }

        return null;
    }

    /// <summary>
    /// Peeks at the first bytes of a generic service's body without consuming them: the forwarder then streams
    /// the whole body as it came. False when the client went away.
    /// </summary>
    private static async Task<bool> InspectGenericBodyAsync(HttpContext context, RuleSet rules, ScoreCard card)
    {
        var cap = rules.Limits.MaxFieldChars;
        var reader = context.Request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted);
                var buffer = result.Buffer;
                if (buffer.Length >= cap || result.IsCompleted || result.IsCanceled)
                {
                    var length = (int)Math.Min(buffer.Length, cap);
                    var bytes = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
                    try
                    {
                        buffer.Slice(0, length).CopyTo(bytes);
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        WebRequestInspector.InspectBody(rules, bytes.AsSpan(0, length), context.Request.ContentType, card);
                        if (buffer.Length > cap)
                        {
                            card.Truncated = true;
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(bytes);
                    }

                    return true;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (BadHttpRequestException)
        {
            // Too large or malformed: the forwarder meets the same error and answers it.
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            return false;
        }
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Blocked request {RequestId}: anomaly score {Score}, rules {Rules}")]
        public static partial void Blocked(ILogger logger, string requestId, int score, string rules);

        [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Detected (detect-only, passed) request {RequestId}: anomaly score {Score}, rules {Rules}")]
        public static partial void Detected(ILogger logger, string requestId, int score, string rules);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Prompt injection in request {RequestId}: score {Score}, rules {Rules}, {Action}")]
        public static partial void PromptInjection(ILogger logger, string requestId, int score, string rules, string action);
    }
}
