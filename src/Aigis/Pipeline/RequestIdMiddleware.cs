using Microsoft.AspNetCore.Http;

namespace Aigis.Pipeline;

/// <summary>
/// Gives every request an id: the client's <c>x-request-id</c> when it is a sane token, else a new one.
/// The id is put on the request (so the upstream sees the same id) and on the response. Also starts the
/// request's <see cref="RequestRecord"/>.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next, TimeProvider timeProvider)
{
    public const string HeaderName = "x-request-id";
    private const int MaxLength = 128;

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var given = headers[HeaderName];
        string id;
        if (given.Count == 1 && IsAcceptable(given[0]))
        {
            id = given[0]!;
        }
        else
        {
            id = NewId();
            headers[HeaderName] = id;
        }

        context.TraceIdentifier = id;
        context.Response.Headers[HeaderName] = id;
        context.Features.Set(new RequestRecord(timeProvider.GetTimestamp()));
        return next(context);
    }

    /// <summary>Sets the response header again, after something cleared or replaced the response headers.</summary>
    public static void Stamp(HttpContext context) => context.Response.Headers[HeaderName] = context.TraceIdentifier;

    /// <summary>Ids are echoed into logs and upstream headers, so only printable token characters pass.</summary>
    internal static bool IsAcceptable(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/' or '+' or '='))
            {
                return false;
            }
        }

        return true;
    }

    private static string NewId() => Guid.CreateVersion7().ToString("N");
}
