using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers.Kubernetes;

/// <summary>What one server-side apply did.</summary>
/// <param name="Uid">The object's uid (what owner references name).</param>
/// <param name="ResourceVersion">Its resource version after the apply.</param>
/// <param name="Forced">True when another field manager owned a field and aigis took it over (after a 409).</param>
internal sealed record ApplyResult(string Uid, string ResourceVersion, bool Forced);

/// <summary>
/// Server-side apply (<c>PATCH</c>, <c>application/apply-patch+yaml</c>, field manager <c>aigis</c>, strict field
/// validation) and delete of the kinds aigis writes, through KubernetesClient's typed operations.
/// </summary>
/// <remarks>
/// An apply first goes without <c>force</c>. When the API server answers 409, some field aigis sets is owned by
/// another manager (someone ran <c>kubectl scale</c> or <c>kubectl edit</c>): the conflicting fields and managers are
/// logged, and the apply is sent again with <c>force=true</c>, since the config is the source of truth for every
/// field aigis writes (and only those: fields it does not set stay with their owners). The replica count is not one
/// of them when an autoscaler owns it (see <see cref="ManifestBuilder"/>), so aigis and the HPA never fight.
/// An apply of an unchanged body is a no-op on the server: the same resource version comes back.
/// </remarks>
internal sealed partial class ServerSideApply(ILogger logger)
{
    public async Task<ApplyResult> ApplyAsync(IKubernetes client, IKubernetesObject<V1ObjectMeta> manifest, CancellationToken cancellationToken)
    {
        var body = ManifestSerializer.ToJson(manifest);
        try
        {
            return await SendAsync(client, manifest, body, force: false, cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            var status = StatusOf(e);
            var fields = status?.Details?.Causes is { Count: > 0 } causes
                ? string.Join("; ", causes.Select(c => $"{c.Field} ({c.Message})"))
                : status?.Message ?? e.Response.Content;
            Log.ForcingConflict(logger, manifest.Kind, manifest.Metadata.Name, fields);
            var forced = await SendAsync(client, manifest, body, force: true, cancellationToken);
            return forced with { Forced = true };
        }
    }

    /// <summary>Deletes one object; true when it existed. Dependents go in the background (garbage collection).</summary>
    public static async Task<bool> DeleteAsync(IKubernetes client, string kind, string name, string ns, CancellationToken cancellationToken)
    {
        const string background = "Background";
        try
        {
            switch (kind)
            {
                case "Deployment":
                    await client.AppsV1.DeleteNamespacedDeploymentAsync(name, ns, propagationPolicy: background, cancellationToken: cancellationToken);
                    break;
                case "Service":
                    await client.CoreV1.DeleteNamespacedServiceAsync(name, ns, propagationPolicy: background, cancellationToken: cancellationToken);
                    break;
                case "PodDisruptionBudget":
                    await client.PolicyV1.DeleteNamespacedPodDisruptionBudgetAsync(name, ns, propagationPolicy: background, cancellationToken: cancellationToken);
                    break;
                case "HorizontalPodAutoscaler":
                    await client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync(name, ns, propagationPolicy: background, cancellationToken: cancellationToken);
                    break;
                default:
                    throw new ArgumentException($"aigis does not write {kind} objects", nameof(kind));
            }

            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>The API's Status object in an error answer, when it sent one.</summary>
    public static V1Status? StatusOf(HttpOperationException e)
    {
        try
        {
            return string.IsNullOrEmpty(e.Response?.Content) ? null : KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        }
        catch (System.Text.Json.JsonException)
        {
            // A proxy's HTML error page, not the API server's answer.
            return null;
        }
    }

    private static async Task<ApplyResult> SendAsync(IKubernetes client, IKubernetesObject<V1ObjectMeta> manifest, string body, bool force, CancellationToken cancellationToken)
    {
        // The body is the serialized manifest as a string: V1Patch writes it as is, so equal manifests send equal bytes.
        var patch = new V1Patch(body, V1Patch.PatchType.ApplyPatch);
        var name = manifest.Metadata.Name;
        var ns = manifest.Metadata.NamespaceProperty;
        const string manager = KubernetesDeployerOptions.FieldManager;
        const string strict = "Strict";
        V1ObjectMeta metadata = manifest switch
        {
            V1Deployment => (await client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, ns, fieldManager: manager, fieldValidation: strict, force: force, cancellationToken: cancellationToken)).Metadata,
            V1Service => (await client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: manager, fieldValidation: strict, force: force, cancellationToken: cancellationToken)).Metadata,
            V1PodDisruptionBudget => (await client.PolicyV1.PatchNamespacedPodDisruptionBudgetAsync(patch, name, ns, fieldManager: manager, fieldValidation: strict, force: force, cancellationToken: cancellationToken)).Metadata,
            V2HorizontalPodAutoscaler => (await client.AutoscalingV2.PatchNamespacedHorizontalPodAutoscalerAsync(patch, name, ns, fieldManager: manager, fieldValidation: strict, force: force, cancellationToken: cancellationToken)).Metadata,
            _ => throw new ArgumentException($"aigis does not write {manifest.Kind} objects", nameof(manifest)),
        };
        return new ApplyResult(metadata.Uid, metadata.ResourceVersion, Forced: false);
    }

    private static partial class Log
    {
        [LoggerMessage(461, LogLevel.Warning, "{Kind} {Name}: fields aigis sets are owned by another field manager; taking them over (force): {Conflicts}")]
        public static partial void ForcingConflict(ILogger logger, string kind, string name, string conflicts);
    }
}
