using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Aigis.Limits;

/// <summary>
/// Watches a model response go by on its way to the client, without holding it back, and reads what it used:
/// the <c>usage</c> of a JSON response, or of a stream's last chunk; a stream without usage has its generated
/// text counted as it passes. At the end, <see cref="RequestRecord.CompletionTokens"/> (and the prompt count,
/// when the model server reported its own) are set, for the rate-limit and spend stages to charge.
/// </summary>
internal sealed class UsageMeteringMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context) =>
        context.Features.Get<MeteredModel>() is { } model ? MeterAsync(context, model) : next(context);

    private async Task MeterAsync(HttpContext context, MeteredModel model)
    {
        var original = context.Response.Body;
        await using var metering = new MeteringStream(original, context.Response, model.Usage.Counter);
        context.Response.Body = metering;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
            var record = context.Record();
            var observed = metering.Complete();
            if (observed.PromptTokens >= 0)
            {
                record.PromptTokens = observed.PromptTokens;
            }

            if (observed.CompletionTokens >= 0)
            {
                record.CompletionTokens = observed.CompletionTokens;
            }
        }
    }
}
