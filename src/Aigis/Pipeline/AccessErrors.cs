namespace Aigis.Pipeline;

/// <summary>
/// The authorization stage's refusals. Their text depends only on the name asked for and the caller's own
/// grants, never on whether the model or service exists (see <see cref="AuthorizationMiddleware"/>).
/// </summary>
internal static class AccessErrors
{
    public static GatewayError ModelNotAllowed(string model) =>
        new(403, "permission_error", "model_not_allowed", $"Your API key's tenant may not use the model `{Truncate(model)}`.", "model");

    public static GatewayError ServiceNotAllowed(string service) =>
        new(403, "permission_error", "service_not_allowed", $"Your API key's tenant may not use the service `{Truncate(service)}`.");

    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200] + "...";
}
