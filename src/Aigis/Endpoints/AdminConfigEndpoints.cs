using System.Text;
using Aigis.Core.Configuration;
using Aigis.Hosting;
using Aigis.Pipeline;
using Aigis.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/config</c>: the running config's source, the last reload and the last change;
/// <c>POST /admin/v1/config/diff</c>: what a reload of the posted YAML would change, or the problems that would refuse it.
/// </summary>
internal sealed class AdminConfigEndpoints(GatewayState state, ConfigHistory history)
{
    private const int MaxConfig = 1024 * 1024;

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/v1/config", new RequestDelegate(ShowAsync)).WithSummary("The running config: file, hash, last reload result and the diff of the last change.");
        endpoints.MapPost("/admin/v1/config/diff", new RequestDelegate(DiffAsync)).WithSummary("What a reload of the posted YAML (?name=FILE for messages) would change against the running config.");
    }

    private Task ShowAsync(HttpContext context)
    {
        var (lastReload, lastChange, hash) = history.Snapshot();
        var routes = state.Routes;
        var status = new ConfigStatus(history.Path, routes.LoadedAt, hash, routes.ByName.Count, lastReload, lastChange);
        return Results.Json(status, OperatorJsonContext.Default.ConfigStatus).ExecuteAsync(context);
    }

    private async Task DiffAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxConfig)
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.BodyTooLarge(MaxConfig));
            return;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var buffer = new char[MaxConfig + 1];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), context.RequestAborted);
        if (read > MaxConfig)
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.BodyTooLarge(MaxConfig));
            return;
        }

        var text = new string(buffer, 0, read);
        var name = AdminPaging.Filter(context, "name") is { Length: <= 256 } given ? given : "config";
        var loaded = ConfigLoader.LoadText(text, name);
        var view = loaded.IsValid
            ? new ConfigDiffView(true, [], ConfigDiff.Compare(history.AppliedText, text))
            : new ConfigDiffView(false, loaded.Errors.Select(e => e.ToString()).ToArray(), []);
        await Results.Json(view, OperatorJsonContext.Default.ConfigDiffView).ExecuteAsync(context);
    }
}
