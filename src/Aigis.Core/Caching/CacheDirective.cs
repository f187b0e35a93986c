namespace Aigis.Core.Caching;

/// <summary>What the caller asked of the cache.</summary>
public enum CacheDirective
{
    /// <summary>No header: the service's rules decide.</summary>
    Default,

    /// <summary><c>x-aigis-cache: use</c>: cache this request even if it does not look deterministic.</summary>
    Use,

    /// <summary><c>x-aigis-cache: bypass</c> or <c>Cache-Control: no-store</c>: neither read nor store.</summary>
    Bypass,

    /// <summary><c>x-aigis-cache: refresh</c>: do not read, go upstream, store the fresh answer.</summary>
    Refresh,
}

/// <summary>Reads the caller's cache headers.</summary>
public static class CacheDirectives
{
    public const string HeaderName = "x-aigis-cache";

    /// <summary>
    /// The directive, or false when <c>x-aigis-cache</c> has a value this gateway does not know (the caller gets a
    /// 400 naming the values it accepts, rather than a silent default).
    /// </summary>
    /// <remarks>
    /// <c>no-store</c> wins over everything: a caller who says an answer must not be kept is obeyed even if it also
    /// asked for <c>use</c>. <c>no-cache</c> (serve only after revalidation) is honoured as a refresh.
    /// </remarks>
    public static bool TryParse(string? header, string? cacheControl, out CacheDirective directive)
    {
        directive = CacheDirective.Default;
        if (cacheControl is not null && HasToken(cacheControl, "no-store"))
        {
            directive = CacheDirective.Bypass;
            return header is null || IsKnown(header.Trim());
        }

        if (cacheControl is not null && HasToken(cacheControl, "no-cache"))
        {
            directive = CacheDirective.Refresh;
        }

        if (header is null)
        {
            return true;
        }

        switch (header.Trim().ToLowerInvariant())
        {
            case "use":
                directive = directive == CacheDirective.Refresh ? CacheDirective.Refresh : CacheDirective.Use;
                return true;
            case "bypass":
                directive = CacheDirective.Bypass;
                return true;
            case "refresh":
                directive = CacheDirective.Refresh;
                return true;
            default:
                return false;
        }
    }

    private static bool IsKnown(string value) =>
        value.Equals("use", StringComparison.OrdinalIgnoreCase) || value.Equals("bypass", StringComparison.OrdinalIgnoreCase) ||
        value.Equals("refresh", StringComparison.OrdinalIgnoreCase);

    private static bool HasToken(string header, string token)
    {
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
