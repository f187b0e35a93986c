using System.Globalization;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Rollouts;
using Aigis.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>POST /admin/v1/services/{name}/rollouts</c> starts a rollout (audited with the admin key that asked);
/// <c>GET /admin/v1/rollouts</c> lists rollouts newest first, each with its history and current step;
/// <c>GET /admin/v1/rollouts/{id}</c> shows one (what <c>aigis deploy</c> polls).
/// </summary>
internal sealed class AdminRolloutEndpoints(RolloutController rollouts, IRolloutStore store)
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/admin/v1/services/{name}/rollouts", new RequestDelegate(StartAsync))
            .WithSummary("Start a rollout of a new version (image, command or args) to a service: replicas replaced one at a time, each judged on live traffic, rolled back by itself on failure (audited).");
        endpoints.MapGet("/admin/v1/rollouts", new RequestDelegate(ListAsync)).WithSummary("Rollouts, newest first, with their steps and current step; ?service= filters, a page at a time.");
        endpoints.MapGet("/admin/v1/rollouts/{rollout}", new RequestDelegate(ShowAsync)).WithSummary("One rollout with its steps and current step.");
    }

    private async Task StartAsync(HttpContext context)
    {
        var service = context.Request.RouteValues["name"] as string ?? "";
        var (request, error) = await AdminRequests.ReadAsync(context, RolloutJsonContext.Default.RolloutRequest, required: true);
        if (error is { } invalid)
        {
            await GatewayErrorWriter.WriteAsync(context, invalid);
            return;
        }

        if (Check(request!) is { } bad)
        {
            await GatewayErrorWriter.WriteAsync(context, bad);
            return;
        }

        var change = new RolloutChange(request!.Image, request.Command, request.Args);
        var actor = context.Caller()?.KeyId ?? AuditActions.Anonymous;
        var (rollout, refused) = await rollouts.StartAsync(service, change, actor, context.TraceIdentifier, context.RequestAborted);
        if (refused is { } refusal)
        {
            await GatewayErrorWriter.WriteAsync(context, refusal);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"/admin/v1/rollouts/{rollout!.Id.ToString(CultureInfo.InvariantCulture)}";
        await Results.Json(RolloutViews.View(rollout, inForce: false), RolloutJsonContext.Default.RolloutView, statusCode: StatusCodes.Status201Created).ExecuteAsync(context);
    }

    private async Task ListAsync(HttpContext context)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error))
        {
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        long? before = null;
        if (page.After is { } after)
        {
            if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                await GatewayErrorWriter.WriteAsync(context, AdminErrors.InvalidField("cursor", "cursor is not one this API gave out; pass the next_cursor of the previous page unchanged."));
                return;
            }

            before = id;
        }

        var found = await store.ReadRolloutsAsync(page.Limit + 1, before, AdminPaging.Filter(context, "service"), context.RequestAborted);
        var items = found.Take(page.Limit).Select(r => RolloutViews.View(r, rollouts.IsInForce(r))).ToArray();
        var next = found.Count > page.Limit ? AdminPaging.Encode(items[^1].Id.ToString(CultureInfo.InvariantCulture)) : null;
        await Results.Json(new RolloutList("list", items, next), RolloutJsonContext.Default.RolloutList).ExecuteAsync(context);
    }

    private async Task ShowAsync(HttpContext context)
    {
        var text = context.Request.RouteValues["rollout"] as string ?? "";
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ||
            await store.ReadRolloutAsync(id, context.RequestAborted) is not { } rollout)
        {
            await GatewayErrorWriter.WriteAsync(context, new GatewayError(404, "invalid_request_error", "rollout_not_found", $"There is no rollout with id `{(text.Length <= 32 ? text : text[..32])}`."));
            return;
        }

        await Results.Json(RolloutViews.View(rollout, rollouts.IsInForce(rollout)), RolloutJsonContext.Default.RolloutView).ExecuteAsync(context);
    }

    private static GatewayError? Check(RolloutRequest request)
    {
        if (request.Image is { Length: 0 })
        {
            return AdminErrors.InvalidField("image", "image must not be empty.");
        }

        if (request.Command is { } command && string.IsNullOrWhiteSpace(command))
        {
            return AdminErrors.InvalidField("command", "command must not be empty.");
        }

        if (request.Args is { } args && args.Any(a => a is null))
        {
            return AdminErrors.InvalidField("args", "args must be a list of strings.");
        }

        return null;
    }
}
