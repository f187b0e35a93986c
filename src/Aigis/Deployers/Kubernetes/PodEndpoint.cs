using System.Globalization;
using System.Net;
using k8s.Models;

namespace Aigis.Deployers.Kubernetes;

/// <summary>One pod behind a service as its EndpointSlices show it: where it listens and whether it may take traffic.</summary>
/// <param name="Name">The pod's name (the endpoint's target), or its address when it has none.</param>
/// <param name="Url">Its base URL: the pod's IP and the Service port's target port.</param>
/// <param name="Ready">Ready for traffic (its readiness probe passes) and not terminating.</param>
/// <param name="Terminating">On its way out (deleted, being drained).</param>
internal sealed record PodEndpoint(string Name, Uri Url, bool Ready, bool Terminating)
{
    /// <summary>
    /// The pods behind a service from all of its slices, by name, each once (a pod can briefly sit in two slices
    /// while the controller rebalances them; a ready entry wins). Ordered by name, so equal sets compare equal.
    /// </summary>
    public static IReadOnlyList<PodEndpoint> From(IEnumerable<V1EndpointSlice> slices, string portName)
    {
        var byName = new SortedDictionary<string, PodEndpoint>(StringComparer.Ordinal);
        foreach (var slice in slices)
        {
            if (slice.AddressType is not ("IPv4" or "IPv6") || PortOf(slice, portName) is not { } port)
            {
                // An FQDN slice names no pod to reach directly; a slice without our port has nothing to route to.
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (endpoint.Addresses is not { Count: > 0 } addresses || !IPAddress.TryParse(addresses[0], out var address))
                {
                    continue;
                }

                // "ready" unset means unknown, which the API asks consumers to take as ready; terminating
                // endpoints are never ready (and are reported only by clusters that publish them).
                var terminating = endpoint.Conditions?.Terminating == true;
                var ready = endpoint.Conditions?.Ready != false && !terminating;
                var name = endpoint.TargetRef?.Name ?? addresses[0];
                var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
                var candidate = new PodEndpoint(name, new Uri($"http://{host}:{port.ToString(CultureInfo.InvariantCulture)}"), ready, terminating);
                if (!byName.TryGetValue(name, out var known) || (candidate.Ready && !known.Ready))
                {
                    byName[name] = candidate;
                }
            }
        }

        return [.. byName.Values];
    }

    private static int? PortOf(V1EndpointSlice slice, string portName)
    {
        var ports = slice.Ports ?? [];
        var port = ports.FirstOrDefault(p => p.Name == portName) ?? (ports.Count == 1 ? ports[0] : null);
        return port?.Port;
    }
}
