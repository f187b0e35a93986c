using System.Text;

namespace Aigis.Demo;

/// <summary>
/// The fleet <c>aigis up</c> runs when given no config: simulated model services, run by the process deployer
/// from an ordinary config file written under the data directory (so hot reload works on it too).
/// </summary>
internal static class EmbeddedDemo
{
    public const string ChatModel = "sim-llama-3-8b";
    public const string EmbeddingModel = "sim-embed";
    public const string VisionModel = "sim-vision";

    /// <summary>The tenant of the demo's user key.</summary>
    public const string Tenant = "demo";

    /// <summary>The demo tenant: every demo service and model, nothing else, as a user.</summary>
    public static Core.Identity.TenantDefinition TenantDefinition => new()
    {
        Name = Tenant,
        Services = s_services.Select(s => s.Name).ToArray(),
        Models = s_services.Select(s => s.Model).ToArray(),
        Role = Core.Identity.KeyRole.User,
    };

    /// <summary>The demo's services, in the order they appear in the file.</summary>
    private static readonly DemoService[] s_services =
    [
        new("chat", "llm chat and completions; prefix-aware balancing reuses each replica's prompt cache; deterministic requests (temperature 0, a seed) are answered from the exact cache", Kind: "llm", Profile: "llm", Model: ChatModel, Replicas: 3, SeedPerReplica: true, Balancer: "prefix-aware", Cache: true),
        new("embed", "embeddings, cached (an embedding never varies)", Kind: "llm", Profile: "embed", Model: EmbeddingModel, Replicas: 2, SeedPerReplica: false, Balancer: "least-requests", Cache: true),
        new("vision", "an image classifier, reached at /svc/vision/v1/classify", Kind: "http", Profile: "classifier", Model: VisionModel, Replicas: 2, SeedPerReplica: false, Balancer: "least-requests"),
    ];

    /// <summary>The number of replicas the demo runs, over every service.</summary>
    public static int ReplicaCount => s_services.Sum(s => s.Replicas);

    /// <summary>
    /// The demo config, <c>demo.yaml</c> in <paramref name="dataDirectory"/>: written on the first start, then the
    /// user's to edit (an edited <c>replicas</c> must survive the next start); delete it to get the default back.
    /// </summary>
    /// <returns>Its path, and whether it was written now.</returns>
    public static (string Path, bool Written) EnsureConfig(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "demo.yaml");
        if (File.Exists(path))
        {
            return (path, false);
        }

        File.WriteAllText(path, Render());
        return (path, true);
    }

    /// <summary>A command that calls the demo's chat model with <paramref name="key"/>, to copy and paste.</summary>
    public static string CurlLine(Uri publicUrl, string key) =>
        $"curl -s {publicUrl.GetLeftPart(UriPartial.Authority)}/v1/chat/completions -H 'authorization: Bearer {key}' " +
        $"-H 'content-type: application/json' -d '{{\"model\":\"{ChatModel}\",\"temperature\":0,\"messages\":[{{\"role\":\"user\",\"content\":\"Hello\"}}]}}'";

    public static string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("# Written by `aigis up` for the embedded demo on its first start; yours to edit from then on");
        text.AppendLine("# (delete this file and the next start writes the default again).");
        text.AppendLine("# Each service runs as aigis-sim processes that aigis supervises (runtime: process): started on free");
        text.AppendLine("# loopback ports, health-checked before they take traffic, restarted when they exit, stopped with aigis.");
        text.AppendLine("# Edits apply live: change `replicas` or `args` and save.");
        text.AppendLine("services:");
        foreach (var service in s_services)
        {
            text.AppendLine($"  # {service.Description}");
            text.AppendLine($"  - name: {service.Name}");
            text.AppendLine($"    kind: {service.Kind}");
            if (service.Kind == "llm")
            {
                text.AppendLine($"    models: [{service.Model}]");
            }

            text.AppendLine($"    balancer: {service.Balancer}");
            if (service.Cache)
            {
                // Identical requests in flight together also go upstream once (coalesce).
                text.AppendLine("    cache: {enabled: true, scope: tenant, ttl: 10m, maxBytes: 64MiB, coalesce: true}");
            }

            text.AppendLine("    runtime: process");
            text.AppendLine("    process:");
            text.AppendLine("      command: aigis-sim");
            var seed = service.SeedPerReplica ? ", --seed, \"{replica}\"" : "";
            text.AppendLine($"      args: [--port, \"{{port}}\", --profile, {service.Profile}, --model, {service.Model}{seed}]");
            text.AppendLine($"      replicas: {service.Replicas}");
        }

        return text.ToString();
    }

    private sealed record DemoService(string Name, string Description, string Kind, string Profile, string Model, int Replicas, bool SeedPerReplica, string Balancer, bool Cache = false);
}
