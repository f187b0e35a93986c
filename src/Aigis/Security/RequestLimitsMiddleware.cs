using Aigis.Hosting;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Aigis.Security;

/// <summary>
/// Refuses what is too big before any work is spent on it: too many or too large headers (431), a URL too
/// long (414), a declared body over the limit (413). Kestrel's own limits sit above these (set from the same
/// config at start), so a client sees the gateway's error shape rather than a bare status.
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, SecurityState security, GatewayState state)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limits = security.Config.Limits;
        var request = context.Request;
        var headers = request.Headers;
        if (headers.Count > limits.MaxHeaders)
        {
            return GatewayErrorWriter.WriteAsync(context, SecurityErrors.TooManyHeaders(limits.MaxHeaders), PipelineStage.RequestLimits);
        }

        long size = 0;
        foreach (var (name, values) in headers)
        {
            size += name.Length + 4;
            foreach (var value in values)
            {
                size += value?.Length ?? 0;
            }
        }

        if (size > limits.MaxHeaderSize)
        {
            return GatewayErrorWriter.WriteAsync(context, SecurityErrors.HeadersTooLarge(limits.MaxHeaderSize), PipelineStage.RequestLimits);
        }

        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var targetLength = target?.Length ?? (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
        if (targetLength > limits.MaxUrlLength)
        {
            return GatewayErrorWriter.WriteAsync(context, SecurityErrors.UrlTooLong(limits.MaxUrlLength), PipelineStage.RequestLimits);
        }

        var maxBody = state.Config.Gateway.MaxBodySize;
        if (request.ContentLength > maxBody)
        {
            return GatewayErrorWriter.WriteAsync(context, GatewayError.BodyTooLarge(maxBody), PipelineStage.RequestLimits);
        }

        return next(context);
    }
}
