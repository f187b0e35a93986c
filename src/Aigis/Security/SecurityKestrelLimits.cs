using Aigis.Core.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Aigis.Security;

/// <summary>
/// Kestrel's own header and request-line limits, set above <c>security.limits</c> so that requests just over
/// the configured limits reach <see cref="RequestLimitsMiddleware"/> and get its answer; far larger ones are
/// still cut off by Kestrel before they are buffered. Kestrel reads these once, at start.
/// </summary>
internal static class SecurityKestrelLimits
{
    public static void Apply(KestrelServerLimits limits, RequestLimitsConfig config)
    {
        limits.MaxRequestHeaderCount = Math.Max(limits.MaxRequestHeaderCount, config.MaxHeaders * 2);
        limits.MaxRequestHeadersTotalSize = (int)Math.Max(limits.MaxRequestHeadersTotalSize, Math.Min(config.MaxHeaderSize * 2, int.MaxValue));
        limits.MaxRequestLineSize = Math.Max(limits.MaxRequestLineSize, (config.MaxUrlLength * 2) + 64);
    }
}
