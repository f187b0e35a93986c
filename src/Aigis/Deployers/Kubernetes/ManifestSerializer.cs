using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Aigis.Deployers.Kubernetes;

/// <summary>Writes built objects as the API server reads them: compact JSON for server-side apply, YAML or a JSON <c>List</c> for people.</summary>
internal static class ManifestSerializer
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>The body of a server-side apply: the client's own JSON (the API's field names, nulls left out). Equal objects give equal text.</summary>
    public static string ToJson(IKubernetesObject<V1ObjectMeta> manifest) => KubernetesJson.Serialize(manifest);

    /// <summary>Every object as a YAML document, separated by <c>---</c>, as <c>kubectl apply -f</c> reads them.</summary>
    public static string ToYaml(IEnumerable<IKubernetesObject<V1ObjectMeta>> manifests) =>
        string.Join("---\n", manifests.Select(m => KubernetesYaml.Serialize(m).TrimEnd('\n') + "\n"));

    /// <summary>Every object as items of one <c>v1 List</c>, indented, as <c>kubectl apply -f</c> also reads it.</summary>
    public static string ToJsonList(IEnumerable<IKubernetesObject<V1ObjectMeta>> manifests)
    {
        var items = new JsonArray();
        foreach (var manifest in manifests)
        {
            items.Add(JsonNode.Parse(ToJson(manifest)));
        }

        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items };
        return list.ToJsonString(s_indented) + "\n";
    }
}
