namespace Aigis.Pipeline;

/// <summary>
/// The stages of the public request path (DESIGN.md, "The governed request path"), named as they appear in
/// metrics (<c>outcome</c>) and in the access log (<c>refused_by</c>). A bounded set: these are label values.
/// </summary>
internal static class PipelineStage
{
    public const string Firewall = "firewall";
    public const string RequestLimits = "request_limits";
    public const string Authentication = "authentication";
    public const string Authorization = "authorization";
    public const string IntrusionDetection = "intrusion_detection";
    public const string RateLimit = "rate_limit";
    public const string Cache = "cache";
    public const string Route = "route";
    public const string Balance = "balance";
    public const string Admission = "admission";
    public const string Forward = "forward";

    /// <summary>The gateway itself failed (an unhandled exception).</summary>
    public const string Internal = "internal";
}
