using Aigis.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers.Docker;

/// <summary>
/// The container replicas of one <c>runtime: docker</c> service. Applies each new <see cref="DockerConfig"/> and
/// <see cref="ResourcesConfig"/> with as little disruption as it allows, and publishes the healthy replicas as the
/// service's instances after every change.
/// </summary>
/// <remarks>
/// As for processes (<see cref="ReplicaSlots{TReplica}"/>): a changed replica count only starts or stops the replicas
/// above the smaller count; any other change replaces the containers one at a time. On the first apply it adopts the
/// containers a previous aigis left in its slots, when they run the template the config asks for.
/// </remarks>
internal sealed partial class DockerServiceDeployment
{
    private readonly string _service;
    private readonly DockerEnvironment _environment;
    private readonly ReplicaSlots<DockerReplica> _slots;
    private DockerConfig? _config;
    private ResourcesConfig? _resources;

    public DockerServiceDeployment(string service, DockerEnvironment environment, IDeployedInstanceSink sink)
    {
        _service = service;
        _environment = environment;
        _slots = new ReplicaSlots<DockerReplica>(service, sink);
    }

    public string Service => _service;

    public IReadOnlyList<ReplicaStatus> Replicas => _slots.Replicas;

    /// <summary>
    /// Brings the replicas in line with <paramref name="next"/>. <paramref name="adoptable"/> holds, by slot, the
    /// containers of a previous aigis that run <paramref name="next"/>'s template; only the first apply uses them.
    /// Not concurrent with itself: the deployer serializes calls.
    /// </summary>
    public async Task ApplyAsync(DockerConfig next, ResourcesConfig resources, IReadOnlyDictionary<int, AdoptedContainer> adoptable, CancellationToken cancellationToken)
    {
        if (_config is { } current && current.Equals(next) && resources.Equals(_resources))
        {
            return;
        }

        var first = _config is null;
        DockerReplica Create(int index) =>
            new(_service, index, next, resources, _environment, _slots.Publish, first ? adoptable.GetValueOrDefault(index) : null);
        if (first || (_config!.SameTemplateAs(next) && resources.Equals(_resources)))
        {
            Log.Scaling(_environment.Logger, _service, _slots.Count, next.Replicas);
            await _slots.ScaleAsync(next.Replicas, Create, cancellationToken);
        }
        else
        {
            Log.Replacing(_environment.Logger, _service, next.Replicas);
            await _slots.ReplaceAsync(next.Replicas, Create, cancellationToken);
        }

        _config = next;
        _resources = resources;
    }

    /// <summary>Stops and removes every container and withdraws the service's instances.</summary>
    public Task StopAsync() => _slots.EndAsync(r => r.DisposeAsync().AsTask());

    /// <summary>Stops supervising and leaves the containers running, for the next aigis to adopt.</summary>
    public Task DetachAsync() => _slots.EndAsync(r => r.DetachAsync());

    private static partial class Log
    {
        [LoggerMessage(141, LogLevel.Information, "Service {Service}: {From} -> {To} container replicas")]
        public static partial void Scaling(ILogger logger, string service, int from, int to);

        [LoggerMessage(142, LogLevel.Information, "Service {Service}: its docker or resources section changed; replacing its {Replicas} containers one at a time")]
        public static partial void Replacing(ILogger logger, string service, int replicas);
    }
}
