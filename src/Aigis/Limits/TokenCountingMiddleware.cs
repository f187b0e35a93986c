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
/// <remarks>
/// Counting with tiktoken costs about 0.1 ms for a 2 KB prompt (GovernanceBenchmark), far more than every other
/// governance stage together, so it is done only when something needs the count before the response: a token
/// limit or a budget on the tenant or its keys, or a price on the model. Otherwise the response's own
/// <c>usage</c> (read as the answer passes, Proxy/ResponseMeter) is the count.
/// </remarks>
internal sealed class TokenCountingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Resolved() is { Body: { } request } resolved)
        {
            var model = resolved.Snapshot.Usage.For(request.Model);
            context.Features.Set(new MeteredModel(request.Model, model));
            if (NeedsCount(context, model))
            {
                context.Record().PromptTokens = PromptTokens.Count(request.Body.Span, model.Counter);
            }
        }

        return next(context);
    }

    private static bool NeedsCount(HttpContext context, ModelUsage model)
    {
        if (model.InputMicrosPerMillion > 0 || model.OutputMicrosPerMillion > 0)
        {
            return true;
        }

        if (context.Features.Get<Core.Identity.TenantAccess>()?.Tenant is not { } tenant)
        {
            return false;
        }

        return tenant.Budget is not null || tenant.KeyBudget is not null
            || tenant.Limits.TokensPerMinute is not null || tenant.Limits.TokensPerDay is not null
            || tenant.KeyLimits.TokensPerMinute is not null || tenant.KeyLimits.TokensPerDay is not null;
    }
}
