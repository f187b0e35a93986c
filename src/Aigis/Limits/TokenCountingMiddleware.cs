using Aigis.Core.Tokens;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Aigis.Limits;

/// <summary>
/// Counts a model request's prompt tokens before it is forwarded, with the model's encoding from the
/// <c>usage</c> section (tiktoken, or the fast estimate only where the config names it), into
/// <see cref="RequestRecord.PromptTokens"/>; the rate-limit stage charges them at admission. Runs on the
/// body the authorization stage read; requests without one (auth disabled, <c>/svc/</c>) are not counted.
/// </summary>
internal sealed class TokenCountingMiddleware(RequestDelegate next, ModelUsageSource usage)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<ModelRequest>() is { } request)
        {
            var model = usage.Current.For(request.Model);
            context.Features.Set(new MeteredModel(request.Model, model));
            context.Record().PromptTokens = PromptTokens.Count(request.Body.Span, model.Counter);
        }

        return next(context);
    }
}
