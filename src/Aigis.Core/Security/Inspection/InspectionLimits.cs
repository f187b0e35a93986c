namespace Aigis.Core.Security.Inspection;

/// <summary>Bounds on how much of a request is inspected, so pathological input costs bounded time.</summary>
/// <param name="MaxFieldChars">Longest stretch of one field inspected; a longer field has its head and tail inspected (half each).</param>
/// <param name="MaxRequestChars">Characters inspected per request, over all fields; the rest passes uninspected and is marked truncated.</param>
/// <param name="MaxDepth">JSON nesting inspected; deeper values are skipped (and marked truncated).</param>
public sealed record InspectionLimits(int MaxFieldChars = 16 * 1024, long MaxRequestChars = 1024 * 1024, int MaxDepth = 32)
{
    public static readonly InspectionLimits Default = new();
}
