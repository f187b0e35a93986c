namespace Aigis.Pipeline;

/// <summary>
/// The authorization stage's refusals. The client sees exactly what a name nobody serves gets, OpenAI's 404
/// <c>model_not_found</c> ("does not exist or you do not have access to it"; <c>service_not_found</c> for
/// <c>/svc/NAME</c>), so a refusal never tells whether the model exists, and every OpenAI SDK reads it as the
/// not-found it expects. The reason kept for the audit log and the metrics says what really happened.
/// </summary>
internal static class AccessErrors
{
    /// <summary>The audit and metric reason of a model outside the tenant's grants.</summary>
    public const string ModelNotAllowedReason = "model_not_allowed";

    /// <summary>The audit and metric reason of a service outside the tenant's grants.</summary>
    public const string ServiceNotAllowedReason = "service_not_allowed";

    public static GatewayError ModelNotAllowed(string model) => GatewayError.UnknownModel(model);

    public static GatewayError ServiceNotAllowed(string service) => GatewayError.UnknownService(service);
}
