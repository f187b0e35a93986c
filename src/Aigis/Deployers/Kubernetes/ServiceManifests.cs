using k8s;
using k8s.Models;

namespace Aigis.Deployers.Kubernetes;

/// <summary>The objects one <c>runtime: kubernetes</c> service is made of, in the order they are applied and printed.</summary>
/// <param name="Service">The service's name; every object has it as its name.</param>
/// <param name="Namespace">Where they live; null in rendered manifests without a configured namespace (kubectl's current one).</param>
internal sealed record ServiceManifests(
    string Service,
    string? Namespace,
    V1Deployment Deployment,
    V1Service ServiceObject,
    V1PodDisruptionBudget? DisruptionBudget,
    V2HorizontalPodAutoscaler? Autoscaler)
{
    /// <summary>Every object, Deployment first (the others name it as their owner when the deployer applies them).</summary>
    public IEnumerable<IKubernetesObject<V1ObjectMeta>> All
    {
        get
        {
            yield return Deployment;
            yield return ServiceObject;
            if (DisruptionBudget is not null)
            {
                yield return DisruptionBudget;
            }

            if (Autoscaler is not null)
            {
                yield return Autoscaler;
            }
        }
    }
}
