using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Aigis.Core.Configuration;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Aigis.Endpoints;

/// <summary>What a list call asked for: at most <see cref="Limit"/> items after the position its cursor names (null: from the start).</summary>
internal readonly record struct PageRequest(int Limit, string? After);

/// <summary>
/// The paging every admin list shares: <c>?limit=N&amp;cursor=C</c> in, <c>next_cursor</c> out (null on the last
/// page). A cursor is opaque to callers (base64url of the last item's position), so the order a list pages in can
/// change without breaking them; a cursor that does not decode is a 400, not an empty page.
/// </summary>
internal static class AdminPaging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    private const string Version = "c1:";

    public static bool TryRead(HttpContext context, out PageRequest page, out GatewayError error)
    {
        page = default;
        error = default;
        var query = context.Request.Query;
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText) &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            error = AdminErrors.InvalidField("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
            return false;
        }

        string? after = null;
        if (query.TryGetValue("cursor", out var cursorText) && !string.IsNullOrEmpty(cursorText) && !TryDecode(cursorText.ToString(), out after))
        {
            error = AdminErrors.InvalidField("cursor", "cursor is not one this API gave out; pass the next_cursor of the previous page unchanged.");
            return false;
        }

        page = new PageRequest(limit, after);
        return true;
    }

    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + position));

    public static bool TryDecode(string cursor, out string? position)
    {
        position = null;
        if (cursor.Length > 512 || !Base64Url.IsValid(cursor))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        if (!text.StartsWith(Version, StringComparison.Ordinal))
        {
            return false;
        }

        position = text[Version.Length..];
        return true;
    }

    /// <summary>
    /// A page of a list held in memory (services, instances, tenants, bans, alerts), ordered by an ordinal key: the
    /// items whose key is after the cursor's, and the cursor of the next page when there are more.
    /// </summary>
    public static (T[] Items, string? NextCursor) Page<T>(IEnumerable<T> items, Func<T, string> key, PageRequest page)
    {
        var after = page.After;
        var ordered = items.OrderBy(key, StringComparer.Ordinal);
        var rest = after is null ? ordered : ordered.Where(i => string.CompareOrdinal(key(i), after) > 0);
        var taken = rest.Take(page.Limit + 1).ToArray();
        return taken.Length > page.Limit ? (taken[..page.Limit], Encode(key(taken[page.Limit - 1]))) : (taken, null);
    }

    /// <summary>A time filter: a time (RFC 3339) or an age before now (<c>1h</c>).</summary>
    public static bool TrySince(HttpContext context, TimeProvider time, out DateTimeOffset? since, out GatewayError error)
    {
        since = null;
        error = default;
        if (!context.Request.Query.TryGetValue("since", out var sinceText))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            since = at;
            return true;
        }

        if (DurationParser.TryParse(sinceText.ToString(), out var age, out _))
        {
            since = time.GetUtcNow() - age;
            return true;
        }

        error = AdminErrors.InvalidField("since", "since must be a time such as 2025-01-31T12:00:00Z or an age such as 1h.");
        return false;
    }

    /// <summary>A single-valued query filter, or null when absent or empty.</summary>
    public static string? Filter(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value.ToString() : null;
}
