using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Aigis.Tests.Deployers.Kubernetes;

/// <summary>What the fake API server saw of one request.</summary>
internal sealed record ApiRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string ContentType, string Body);

/// <summary>
/// A Kubernetes API server stand-in on 127.0.0.1 (real Kestrel, real HTTP) that answers exactly the requests the
/// Kubernetes deployer makes, with the API's response shapes: server-side apply of Deployments, Services,
/// PodDisruptionBudgets and HorizontalPodAutoscalers (201 on create, 200 after, the same resource version for an
/// unchanged body, 409 with a Status naming the conflicting field when another manager owns it and force is off),
/// deletes (Status, 404 when absent), and EndpointSlice list and watch (newline-delimited JSON events, BOOKMARK-free,
/// and an ERROR event carrying a 410 Expired Status once the history the watch asks for is compacted).
/// </summary>
/// <remarks>
/// It implements only the semantics the deployer relies on, not Kubernetes: no field merging between managers, no
/// garbage collection, no controllers. Slices change only when a test says so.
/// </remarks>
internal sealed partial class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _slices = new(StringComparer.Ordinal);
    private readonly List<(long Version, string Line)> _events = [];
    private readonly List<Channel<string>> _watches = [];
    private readonly Dictionary<string, (string Manager, string Field)> _foreignOwners = new(StringComparer.Ordinal);
    private long _resourceVersion = 1000;
    private long _compactedBelow;

    private FakeKubernetesApi(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<ApiRequest> Requests { get; } = new();

    /// <summary>The port of the <c>http</c> entry of the slices <see cref="PutSlice"/> writes from now on.</summary>
    public int SlicePort { get; set; } = 8000;

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var api = new FakeKubernetesApi(app);
        app.Run(api.HandleAsync);
        await app.StartAsync();
        api.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return api;
    }

    /// <summary>The stored object at an API path (e.g. <c>/apis/apps/v1/namespaces/models/deployments/chat</c>), or null.</summary>
    public JsonObject? Get(string path)
    {
        lock (_lock)
        {
            return _objects.TryGetValue(path, out var stored) ? (JsonObject)stored.Object.DeepClone() : null;
        }
    }

    public IReadOnlyCollection<string> Paths
    {
        get
        {
            lock (_lock)
            {
                return [.. _objects.Keys];
            }
        }
    }

    /// <summary>Makes <paramref name="manager"/> the owner of <paramref name="field"/> of the object at <paramref name="path"/>, as a <c>kubectl scale</c> would.</summary>
    public void OwnFieldByOtherManager(string path, string manager, string field)
    {
        lock (_lock)
        {
            _foreignOwners[path] = (manager, field);
        }
    }

    /// <summary>Creates or replaces an EndpointSlice of <paramref name="service"/>; with <paramref name="silently"/>, no watch event is sent (as if lost to compaction).</summary>
    public void PutSlice(string ns, string sliceName, string service, bool silently, params (string Pod, string Ip, bool Ready)[] endpoints)
    {
        lock (_lock)
        {
            var version = NextVersion();
            var type = _slices.ContainsKey(sliceName) ? "MODIFIED" : "ADDED";
            var slice = Slice(ns, sliceName, service, version, SlicePort, endpoints);
            _slices[sliceName] = slice;
            if (!silently)
            {
                Emit(version, type, slice);
            }
        }
    }

    public void DeleteSlice(string sliceName)
    {
        lock (_lock)
        {
            if (_slices.Remove(sliceName, out var slice))
            {
                var version = NextVersion();
                slice["metadata"]!["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
                Emit(version, "DELETED", slice);
            }
        }
    }

    /// <summary>
    /// Compacts the event history, as etcd does: every open watch receives an ERROR event with a 410 Expired Status
    /// and is closed, and a watch from any older resource version gets the same.
    /// </summary>
    public void CompactHistory()
    {
        lock (_lock)
        {
            _compactedBelow = _resourceVersion + 1;
            foreach (var watch in _watches)
            {
                watch.Writer.TryWrite(ExpiredEvent(_resourceVersion));
                watch.Writer.TryComplete();
            }

            _watches.Clear();
            _events.Clear();
        }
    }

    /// <summary>How many watches are open now.</summary>
    public int OpenWatches
    {
        get
        {
            lock (_lock)
            {
                return _watches.Count;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                watch.Writer.TryComplete();
            }
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var request = new ApiRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            context.Request.ContentType ?? "",
            body);
        Requests.Enqueue(request);

        if (SlicesPath().Match(request.Path) is { Success: true } slices && request.Method == "GET")
        {
            var service = request.Query.GetValueOrDefault("labelSelector", "").Replace("kubernetes.io/service-name=", "", StringComparison.Ordinal);
            if (request.Query.GetValueOrDefault("watch") == "true")
            {
                await WatchAsync(context, slices.Groups["ns"].Value, service, long.Parse(request.Query["resourceVersion"], CultureInfo.InvariantCulture));
            }
            else
            {
                await WriteJsonAsync(context, 200, ListSlices(slices.Groups["ns"].Value, service));
            }

            return;
        }

        if (ObjectPath().Match(request.Path) is not { Success: true } match)
        {
            await WriteJsonAsync(context, 404, Status(404, "NotFound", $"the server could not find the requested resource ({request.Method} {request.Path})"));
            return;
        }

        var (code, answer) = request.Method switch
        {
            "PATCH" => Apply(request, match),
            "DELETE" => Delete(request.Path, match.Groups["resource"].Value, match.Groups["name"].Value),
            _ => (405, Status(405, "MethodNotAllowed", $"{request.Method} is not supported here")),
        };
        await WriteJsonAsync(context, code, answer);
    }

    private (int, JsonObject) Apply(ApiRequest request, Match match)
    {
        var resource = match.Groups["resource"].Value;
        var name = match.Groups["name"].Value;
        if (!request.ContentType.StartsWith("application/apply-patch+yaml", StringComparison.Ordinal))
        {
            return (415, Status(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml, not {request.ContentType}"));
        }

        if (request.Query.GetValueOrDefault("fieldManager") is not { Length: > 0 } manager)
        {
            return (400, Status(400, "BadRequest", "PATCH /apply requires a non-empty fieldManager"));
        }

        var force = request.Query.GetValueOrDefault("force") == "true";
        if (JsonNode.Parse(request.Body) is not JsonObject applied || applied["metadata"]?["name"]?.GetValue<string>() != name)
        {
            return (400, Status(400, "BadRequest", "the name of the object does not match the name on the URL"));
        }

        lock (_lock)
        {
            if (_foreignOwners.TryGetValue(request.Path, out var owner))
            {
                if (!force)
                {
                    var message = $"Apply failed with 1 conflict: conflict with \"{owner.Manager}\" using apps/v1: {owner.Field}";
                    var status = Status(409, "Conflict", message);
                    status["details"] = new JsonObject
                    {
                        ["name"] = name,
                        ["group"] = "apps",
                        ["kind"] = resource,
                        ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with \"{owner.Manager}\" using apps/v1", ["field"] = owner.Field }),
                    };
                    return (409, status);
                }

                _foreignOwners.Remove(request.Path);
            }

            if (_objects.TryGetValue(request.Path, out var existing) && existing.AppliedBody == request.Body && existing.Manager == manager)
            {
                // The same manager applying the same configuration: nothing changes, not even the resource version.
                return (200, (JsonObject)existing.Object.DeepClone());
            }

            var version = NextVersion();
            var created = existing is null;
            var generation = created ? 1 : existing!.Object["metadata"]!["generation"]!.GetValue<long>() + 1;
            var stored = (JsonObject)applied.DeepClone();
            var metadata = stored["metadata"]!.AsObject();
            metadata["uid"] = existing?.Object["metadata"]!["uid"]!.GetValue<string>() ?? Guid.NewGuid().ToString();
            metadata["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
            metadata["generation"] = generation;
            metadata["creationTimestamp"] = existing?.Object["metadata"]!["creationTimestamp"]!.GetValue<string>() ?? "2026-12-07T21:00:00Z";
            metadata["managedFields"] = new JsonArray(new JsonObject
            {
                ["manager"] = manager,
                ["operation"] = "Apply",
                ["apiVersion"] = stored["apiVersion"]!.GetValue<string>(),
                ["time"] = "2026-12-07T21:00:00Z",
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = new JsonObject(),
            });
            if (resource == "deployments")
            {
                stored["status"] = new JsonObject { ["observedGeneration"] = generation - 1, ["replicas"] = 0 };
            }

            _objects[request.Path] = new StoredObject(stored, request.Body, manager);
            return (created ? 201 : 200, (JsonObject)stored.DeepClone());
        }
    }

    private (int, JsonObject) Delete(string path, string resource, string name)
    {
        StoredObject? deleted;
        lock (_lock)
        {
            if (!_objects.Remove(path, out deleted))
            {
                return (404, Status(404, "NotFound", $"{resource} \"{name}\" not found"));
            }
        }

        if (resource == "services")
        {
            // The core API answers a Service's delete with the Service itself; the other kinds with a Status.
            return (200, (JsonObject)deleted.Object.DeepClone());
        }

        var status = Status(200, "", "");
        status["status"] = "Success";
        status.Remove("reason");
        status.Remove("message");
        status["details"] = new JsonObject { ["name"] = name, ["kind"] = resource };
        return (200, status);
    }

    private JsonObject ListSlices(string ns, string service)
    {
        lock (_lock)
        {
            var items = new JsonArray();
            foreach (var slice in _slices.Values.Where(s => s["metadata"]!["namespace"]!.GetValue<string>() == ns && s["metadata"]!["labels"]!["kubernetes.io/service-name"]!.GetValue<string>() == service))
            {
                // Items in a list carry no kind or apiVersion, as the real API returns them.
                var item = (JsonObject)slice.DeepClone();
                item.Remove("kind");
                item.Remove("apiVersion");
                items.Add(item);
            }

            return new JsonObject
            {
                ["kind"] = "EndpointSliceList",
                ["apiVersion"] = "discovery.k8s.io/v1",
                ["metadata"] = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture) },
                ["items"] = items,
            };
        }
    }

    private async Task WatchAsync(HttpContext context, string ns, string service, long fromVersion)
    {
        var channel = Channel.CreateUnbounded<string>();
        lock (_lock)
        {
            if (fromVersion < _compactedBelow - 1)
            {
                channel.Writer.TryWrite(ExpiredEvent(fromVersion));
                channel.Writer.TryComplete();
            }
            else
            {
                foreach (var (version, line) in _events.Where(e => e.Version > fromVersion))
                {
                    channel.Writer.TryWrite(line);
                }

                _watches.Add(channel);
            }
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            await foreach (var line in channel.Reader.ReadAllAsync(context.RequestAborted))
            {
                if (line.Contains($"\"kubernetes.io/service-name\":\"{service}\"", StringComparison.Ordinal) && line.Contains($"\"namespace\":\"{ns}\"", StringComparison.Ordinal) || line.Contains("\"ERROR\"", StringComparison.Ordinal))
                {
                    await context.Response.WriteAsync(line + "\n", context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            lock (_lock)
            {
                _watches.Remove(channel);
            }
        }
    }

    private void Emit(long version, string type, JsonObject slice)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = slice.DeepClone() }.ToJsonString();
        _events.Add((version, line));
        foreach (var watch in _watches)
        {
            watch.Writer.TryWrite(line);
        }
    }

    private long NextVersion() => ++_resourceVersion;

    private static string ExpiredEvent(long version) => new JsonObject
    {
        ["type"] = "ERROR",
        ["object"] = Status(410, "Expired", $"too old resource version: {version.ToString(CultureInfo.InvariantCulture)} ({(version + 1).ToString(CultureInfo.InvariantCulture)})"),
    }.ToJsonString();

    private static JsonObject Slice(string ns, string name, string service, long version, int port, (string Pod, string Ip, bool Ready)[] endpoints) => new()
    {
        ["kind"] = "EndpointSlice",
        ["apiVersion"] = "discovery.k8s.io/v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["generateName"] = service + "-",
            ["namespace"] = ns,
            ["uid"] = Guid.NewGuid().ToString(),
            ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture),
            ["generation"] = 1,
            ["creationTimestamp"] = "2026-12-07T21:00:00Z",
            ["labels"] = new JsonObject
            {
                ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io",
                ["kubernetes.io/service-name"] = service,
            },
            ["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["name"] = service, ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true, ["blockOwnerDeletion"] = true }),
        },
        ["addressType"] = "IPv4",
        ["endpoints"] = new JsonArray([.. endpoints.Select(e => (JsonNode)new JsonObject
        {
            ["addresses"] = new JsonArray(e.Ip),
            ["conditions"] = new JsonObject { ["ready"] = e.Ready, ["serving"] = e.Ready, ["terminating"] = false },
            ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = ns, ["name"] = e.Pod, ["uid"] = Guid.NewGuid().ToString() },
            ["nodeName"] = "node-1",
        })]),
        ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["protocol"] = "TCP", ["port"] = port }),
    };

    private static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    private static async Task WriteJsonAsync(HttpContext context, int code, JsonObject body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    [GeneratedRegex("^/(?:api/v1|apis/apps/v1|apis/policy/v1|apis/autoscaling/v2)/namespaces/(?<ns>[^/]+)/(?<resource>deployments|services|poddisruptionbudgets|horizontalpodautoscalers)/(?<name>[^/]+)$")]
    private static partial Regex ObjectPath();

    [GeneratedRegex("^/apis/discovery.k8s.io/v1/namespaces/(?<ns>[^/]+)/endpointslices$")]
    private static partial Regex SlicesPath();

    private sealed record StoredObject(JsonObject Object, string AppliedBody, string Manager);
}
