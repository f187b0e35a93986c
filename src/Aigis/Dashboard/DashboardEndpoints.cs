using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Aigis.Dashboard;

/// <summary>
/// The dashboard on the admin listener: its page and assets at <c>/</c> and <c>/ui/...</c> (embedded in the binary,
/// served without a key: they hold no data), and its one data feed, <c>GET /admin/v1/dashboard/stream</c>, a
/// server-sent-events stream of <see cref="FleetHistory"/>'s samples (admin key needed, like every data call).
/// </summary>
internal sealed class DashboardEndpoints(FleetHistory history, IHostApplicationLifetime lifetime)
{
    public const string StreamPath = "/admin/v1/dashboard/stream";

    // The page may talk to its own origin only: no CDN, no third party, nothing leaves the admin listener.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static readonly byte[] s_historyEvent = Encoding.UTF8.GetBytes("event: history\ndata: ");
    private static readonly byte[] s_sampleEvent = Encoding.UTF8.GetBytes("event: sample\ndata: ");
    private static readonly byte[] s_eventEnd = Encoding.UTF8.GetBytes("\n\n");

    private static readonly FrozenDictionary<string, Asset> s_assets = LoadAssets();

    /// <summary>Paths served without a credential: the page and its assets.</summary>
    public static bool IsPublicAsset(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && (request.Path.Value is "/" || (request.Path.StartsWithSegments("/ui", out var rest) && s_assets.ContainsKey(rest.Value?.TrimStart('/') ?? "")));

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext c) => WriteAssetAsync(c, "index.html")).WithSummary("The dashboard page (no credential: it asks for the admin key and keeps it in the browser session).");
        endpoints.MapGet("/ui/{file}", (HttpContext c) => WriteAssetAsync(c, c.Request.RouteValues["file"] as string ?? "")).WithSummary("The dashboard's scripts and styles, embedded in the binary.");
        endpoints.MapGet(StreamPath, new RequestDelegate(StreamAsync)).WithSummary("Server-sent events: the fleet's recent history, then one sample a second.");
    }

    private static Task WriteAssetAsync(HttpContext context, string name)
    {
        if (!s_assets.TryGetValue(name, out var asset))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Bytes.Length;
        return context.Response.Body.WriteAsync(asset.Bytes, context.RequestAborted).AsTask();
    }

    private async Task StreamAsync(HttpContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var reader = history.Subscribe(out var subscription);
        using (subscription)
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-store";

            // Proxies (nginx) buffer responses unless told not to; a buffered stream shows nothing live.
            context.Response.Headers["X-Accel-Buffering"] = "no";
            var body = context.Response.Body;
            try
            {
                await body.WriteAsync(s_historyEvent, stop.Token);
                await body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new FleetHistoryMessage(history.Recent(FleetHistory.Capacity)), DashboardJsonContext.Default.FleetHistoryMessage), stop.Token);
                await body.WriteAsync(s_eventEnd, stop.Token);
                await body.FlushAsync(stop.Token);
                await foreach (var sample in reader.ReadAllAsync(stop.Token))
                {
                    await body.WriteAsync(s_sampleEvent, stop.Token);
                    await body.WriteAsync(sample, stop.Token);
                    await body.WriteAsync(s_eventEnd, stop.Token);
                    await body.FlushAsync(stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The browser left or aigis is stopping: the stream ends, which is its only way to end.
            }
        }
    }

    private static FrozenDictionary<string, Asset> LoadAssets()
    {
        const string Prefix = "dashboard/";
        var assembly = typeof(DashboardEndpoints).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[Prefix.Length..];
            assets[name] = new Asset(bytes, ContentTypeOf(name), "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
