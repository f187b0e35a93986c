using Aigis.Sim.Http;

namespace Aigis.Sim.Faults;

/// <summary>GET, POST and DELETE /admin/faults: read, replace and clear the faults in force.</summary>
/// <remarks>Every answer is the settings in force afterwards, in the same JSON shape POST takes.</remarks>
internal sealed class FaultAdminEndpoints
{
    public const string Path = "/admin/faults";

    private readonly FaultState _state;

    public FaultAdminEndpoints(FaultState state) => _state = state;

    public Task GetAsync(HttpContext context) => WriteAsync(context, _state.Current.Settings);

    public async Task PostAsync(HttpContext context)
    {
        var (document, error) = await JsonRequestBody.ReadAsync(context);
        if (document is null)
        {
            await error!.WriteAsync(context);
            return;
        }

        FaultSettings settings;
        using (document)
        {
            error = FaultSettingsReader.Read(document.RootElement, out settings);
        }

        if (error is not null)
        {
            await error.WriteAsync(context);
            return;
        }

        _state.Replace(settings);
        await WriteAsync(context, settings);
    }

    public Task DeleteAsync(HttpContext context)
    {
        _state.Replace(FaultSettings.None);
        return WriteAsync(context, FaultSettings.None);
    }

    private static Task WriteAsync(HttpContext context, FaultSettings settings) =>
        context.Response.WriteAsJsonAsync(settings, FaultJsonContext.Default.FaultSettings, contentType: null, context.RequestAborted);
}
