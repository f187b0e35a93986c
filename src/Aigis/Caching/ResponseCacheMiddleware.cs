using Aigis.Core.Caching;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Aigis.Caching;

/// <summary>
/// The cache stage, after the rate limits and before routing (DESIGN.md): for a model request to a service with
/// <c>cache.enabled</c>, answers from the exact cache, or joins an identical request already in flight (single
/// flight), or goes upstream and records the answer for the cache and for requests that join meanwhile. Every
/// response of such a service says what happened in <c>x-aigis-cache</c> (hit, miss or bypass), as does the access
/// log and <c>aigis_cache_results_total</c>.
/// </summary>
/// <remarks>
/// <para>Only deterministic requests are cached (<see cref="RequestFingerprint.Deterministic"/>), unless the service
/// takes all (<c>requests: all</c>) or the caller asks (<c>x-aigis-cache: use</c> or <c>refresh</c>);
/// <c>x-aigis-cache: bypass</c> and <c>Cache-Control: no-store</c> keep a request out of it entirely.</para>
/// <para>Only a whole success is stored: status 200 from the upstream, no error on the record (a gateway refusal, a
/// broken or cut stream), the client still there, within <c>maxEntryBytes</c>. What followers of a leader get is
/// whatever the leader's client got, errors included: one upstream call, one outcome.</para>
/// <para>A hit is counted by the rate-limit stage as a request, but its tokens are given back (it used no upstream
/// compute) and, having made no upstream attempt, it is not charged to the spend budget.</para>
/// </remarks>
internal sealed partial class ResponseCacheMiddleware(RequestDelegate next, ResponseCaches caches, TimeProvider time, ILogger<ResponseCacheMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        // A service without a cache pays one feature lookup and two field reads.
        if (context.Resolved() is not { Body: { } body, Route: { Config.Cache.Enabled: true } route } request)
        {
            return next(context);
        }

        return CacheAsync(context, request, body, caches.For(route.Name, route.Config.Cache));
    }

    private async Task CacheAsync(HttpContext context, GatewayRequest request, ModelRequest body, ServiceCache cache)
    {
        var record = context.Record();
        context.Response.OnStarting(static state =>
        {
            var (response, record) = ((HttpResponse, RequestRecord))state;
            response.Headers[CacheDirectives.HeaderName] = CacheResults.HeaderValue(record.CacheResult);
            return Task.CompletedTask;
        }, (context.Response, record));

        var headers = context.Request.Headers;
        var asked = headers.TryGetValue(CacheDirectives.HeaderName, out var value) ? value.ToString() : null;
        var cacheControl = headers.CacheControl.Count == 0 ? null : headers.CacheControl.ToString();
        if (!CacheDirectives.TryParse(asked, cacheControl, out var directive))
        {
            record.CacheResult = CacheResults.Bypass;
            await GatewayErrorWriter.WriteAsync(context, GatewayError.InvalidCacheDirective(asked!), PipelineStage.Cache);
            return;
        }

        var options = cache.Options;
        var scope = options.Scope == CacheScope.Shared ? null : context.Caller()?.Tenant ?? "";
        var fingerprint = directive == CacheDirective.Bypass ? default : RequestFingerprint.Compute(request.Endpoint, scope, body.Body, body.Stream);
        var eligible = directive is CacheDirective.Use or CacheDirective.Refresh || options.Requests == CacheableRequests.All || fingerprint.Deterministic;
        if (directive == CacheDirective.Bypass || !eligible)
        {
            record.CacheResult = CacheResults.Bypass;
            await next(context);
            return;
        }

        var key = fingerprint.Key;
        if (directive != CacheDirective.Refresh && cache.Store.TryGet(key, out var answer))
        {
            record.CacheResult = CacheResults.Hit;
            await AnswerReplay.WriteAsync(context, answer);
            return;
        }

        // A leader lost before this request was sent anything: lead in its place (once; then go alone).
        for (var round = 0; options.Coalesce && round < 2; round++)
        {
            if (cache.Inflight.TryLead(key, out var recording))
            {
                await LeadAsync(context, request, cache, key, recording, record);
                return;
            }

            record.CacheResult = CacheResults.Coalesced;
            try
            {
                if (await AnswerReplay.FollowAsync(context, recording) == RecordingState.Complete)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // This follower's client left: only its own replay stops; the leader goes on for the others.
                return;
            }

            Log.LeaderAbandoned(logger, context.TraceIdentifier, request.ServiceName!);
        }

        await LeadAsync(context, request, cache, key, new ResponseRecording(), record);
    }

    /// <summary>Goes upstream with the response body recorded; stores the answer when it is a whole success.</summary>
    private async Task LeadAsync(HttpContext context, GatewayRequest request, ServiceCache cache, UInt128 key, ResponseRecording recording, RequestRecord record)
    {
        var service = request.Route!.Name;
        record.CacheResult = CacheResults.Miss;
        var response = context.Response;
        var original = response.Body;
        response.Body = new RecordingResponseStream(response, original, recording);
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
            Conclude(context, request.Route?.Name == service, cache, key, recording, record);
        }
    }

    /// <param name="ownService">False when a fallback served: its answer (another model's) is shared with the followers
    /// of this request, but not stored as the answer of the service that was asked.</param>
    private void Conclude(HttpContext context, bool ownService, ServiceCache cache, UInt128 key, ResponseRecording recording, RequestRecord record)
    {
        try
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                // The client left and YARP cancelled the upstream call with it: there is no whole answer to share.
                recording.Abandon();
                return;
            }

            var attempt = context.Features.Get<UpstreamAttempt>();
            var whole = ownService && context.Response.StatusCode == StatusCodes.Status200OK && record.Attempts > 0 && record.ErrorCode is null &&
                record.RefusedBy is null && attempt is { Failure: UpstreamFailure.None } && recording.BodyLength <= cache.Options.MaxEntryBytes;
            recording.Complete(context.Response.StatusCode, context.Response.ContentType, whole);
            if (whole)
            {
                cache.Store.TryAdd(key, recording.ToAnswer(time.GetTimestamp()));
            }
        }
        finally
        {
            // After the store: a request arriving meanwhile finds the answer in one or the other.
            cache.Inflight.Finish(key, recording);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Request {RequestId} to service {Service}: the identical request it followed was cancelled by its client; going upstream itself")]
        public static partial void LeaderAbandoned(ILogger logger, string requestId, string service);
    }
}
