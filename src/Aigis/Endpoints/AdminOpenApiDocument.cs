using System.Text;
using System.Text.Json;
using Aigis.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/openapi.json</c>: an OpenAPI 3.1 document of the admin listener, generated from its routing
/// table (the endpoints' patterns, methods and summaries), so a route cannot exist without being described.
/// </summary>
/// <remarks>
/// Built from the endpoint data sources rather than Microsoft.AspNetCore.OpenApi: the admin endpoints are plain
/// <see cref="RequestDelegate"/>s (no parameter binding to reflect over), which the API explorer does not list.
/// Written once, on first request, with <see cref="Utf8JsonWriter"/>: no reflection-based JSON.
/// </remarks>
internal sealed class AdminOpenApiDocument(EndpointDataSource endpoints)
{
    public const string Path = "/admin/v1/openapi.json";
    private byte[]? _document;

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet(Path, new RequestDelegate(WriteAsync)).WithSummary("This document: every admin route, generated from the routing table.");

    /// <summary>The admin routes as (method, pattern) pairs: what the document must cover.</summary>
    public static IEnumerable<(string Method, string Pattern, string? Summary)> Routes(EndpointDataSource source) =>
        source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m =>
                (m, "/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary)));

    private Task WriteAsync(HttpContext context)
    {
        var document = _document ??= Build(endpoints);
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(document, context.RequestAborted).AsTask();
    }

    private static byte[] Build(EndpointDataSource source)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("openapi", "3.1.0");
            json.WriteStartObject("info");
            json.WriteString("title", "Aigis admin API");
            json.WriteString("version", AigisCli.Version);
            json.WriteString("description", "The admin listener: every call needs an admin key as a bearer token, except /healthz and /readyz. Lists page with ?limit and ?cursor (next_cursor in the answer).");
            json.WriteEndObject();
            json.WriteStartObject("components");
            json.WriteStartObject("securitySchemes");
            json.WriteStartObject("adminKey");
            json.WriteString("type", "http");
            json.WriteString("scheme", "bearer");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartArray("security");
            json.WriteStartObject();
            json.WriteStartArray("adminKey");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartObject("paths");
            foreach (var path in Routes(source).GroupBy(r => r.Pattern).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(path.Key);
                foreach (var (method, pattern, summary) in path.OrderBy(r => r.Method, StringComparer.Ordinal))
                {
                    WriteOperation(json, method, pattern, summary);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteOperation(Utf8JsonWriter json, string method, string pattern, string? summary)
    {
        json.WriteStartObject(method.ToLowerInvariant());
        json.WriteString("operationId", OperationId(method, pattern));
        json.WriteString("summary", summary ?? "");
        var parameters = RoutePatternFactory.Parse(pattern).Parameters;
        json.WriteStartArray("parameters");
        foreach (var parameter in parameters)
        {
            json.WriteStartObject();
            json.WriteString("name", parameter.Name);
            json.WriteString("in", "path");
            json.WriteBoolean("required", true);
            json.WriteStartObject("schema");
            json.WriteString("type", "string");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (pattern is "/healthz" or "/readyz")
        {
            // The probes answer without credentials, as orchestrators expect.
            json.WriteStartArray("security");
            json.WriteEndArray();
        }

        json.WriteStartObject("responses");
        WriteResponse(json, "200", "OK (JSON)");
        WriteResponse(json, "400", "Bad input: {\"error\":{\"message\",\"type\",\"code\",\"param\"}}");
        WriteResponse(json, "401", "No admin key, or not a valid key");
        WriteResponse(json, "403", "A valid key without the admin role");
        WriteResponse(json, "404", "No such item");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteResponse(Utf8JsonWriter json, string status, string description)
    {
        json.WriteStartObject(status);
        json.WriteString("description", description);
        json.WriteEndObject();
    }

    private static string OperationId(string method, string pattern)
    {
        var id = new StringBuilder(method.ToLowerInvariant());
        foreach (var part in pattern.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part is "admin" or "v1")
            {
                continue;
            }

            var word = part.Trim('{', '}').Replace(".", "_", StringComparison.Ordinal);
            id.Append('_').Append(part.StartsWith('{') ? "by_" + word : word);
        }

        return id.ToString();
    }
}
