using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Aigis.Core.Configuration;

namespace Aigis.Deployers.Docker;

/// <summary>
/// The labels aigis puts on its containers, so that a restarted aigis finds them (and only them), knows which replica
/// slot each fills and on which port it listens, and can tell whether it still runs what the config says.
/// </summary>
internal static class DockerLabels
{
    public const string ManagedBy = "aigis.dev/managed-by";
    public const string ManagedByValue = "aigis";
    public const string Instance = "aigis.dev/instance";
    public const string Service = "aigis.dev/service";
    public const string Replica = "aigis.dev/replica";
    public const string Port = "aigis.dev/port";
    public const string Template = "aigis.dev/template";

    public static Dictionary<string, string> For(string identity, string service, int replica, int port, string template) => new(StringComparer.Ordinal)
    {
        [ManagedBy] = ManagedByValue,
        [Instance] = identity,
        [Service] = service,
        [Replica] = replica.ToString(CultureInfo.InvariantCulture),
        [Port] = port.ToString(CultureInfo.InvariantCulture),
        [Template] = template,
    };

    /// <summary>The engine's filter for the containers of one aigis: <c>label=aigis.dev/managed-by=aigis</c> and its instance.</summary>
    public static IDictionary<string, IDictionary<string, bool>> Filter(string identity) => new Dictionary<string, IDictionary<string, bool>>
    {
        ["label"] = new Dictionary<string, bool> { [$"{ManagedBy}={ManagedByValue}"] = true, [$"{Instance}={identity}"] = true },
    };

    /// <summary>
    /// A short hash of everything that makes one replica's container what it is, except its slot and port: what the
    /// <c>docker</c> section (less the replica count) and the <c>resources</c> say. Two containers with one template run
    /// the same thing; a container whose template differs from the config's is replaced. Per container, so a rollout
    /// can run replicas of two templates side by side.
    /// </summary>
    public static string TemplateOf(DockerConfig docker, ResourcesConfig resources)
    {
        var text = new StringBuilder();
        void Add(string key, string? value) => text.Append(key).Append('=').Append(value ?? "\0").Append('\n');
        Add("image", docker.Image);
        Add("buildFrom", docker.BuildFrom);
        Add("command", docker.Command);
        foreach (var arg in docker.Args)
        {
            Add("arg", arg);
        }

        foreach (var (name, value) in docker.Env.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            Add("env." + name, value);
        }

        Add("healthPath", docker.HealthPath);
        Add("startTimeout", DurationParser.Format(docker.StartTimeout));
        Add("stopTimeout", DurationParser.Format(docker.StopTimeout));
        Add("restart", DockerRestartPolicyNames.Of(docker.Restart));
        Add("cpu", resources.CpuQuantity);
        Add("memory", resources.MemoryQuantity);
        Add("gpus", resources.Gpus.ToString(CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..12];
    }

    public static int? IntLabel(IDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
