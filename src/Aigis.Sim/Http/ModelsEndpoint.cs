using Aigis.Sim.Http.Payloads;
using Aigis.Sim.Metrics;

namespace Aigis.Sim.Http;

/// <summary>GET /v1/models: the served models, built once.</summary>
internal sealed class ModelsEndpoint
{
    private readonly ModelList _list;

    public ModelsEndpoint(ServedModels models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var created = models.Created.ToUnixTimeSeconds();
        _list = new ModelList("list", [.. models.All.Select(model => new ModelCard(model.ModelName, "model", created, "aigis-sim"))]);
    }

    public Task HandleAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(_list, SimJson.Context.ModelList, contentType: null, context.RequestAborted);
}
