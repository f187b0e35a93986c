using Aigis.Core.Routing;

namespace Aigis.Proxy;

/// <summary>The instance a request was sent to and when, so the response side can time the instance.</summary>
internal sealed class UpstreamAttempt(UpstreamInstance instance, long startedAt)
{
    public UpstreamInstance Instance { get; } = instance;

    public long StartedAt { get; } = startedAt;

    /// <summary>When the first response body byte (or a bodiless answer) arrived; 0 until then.</summary>
    public long FirstByteAt { get; set; }
}
