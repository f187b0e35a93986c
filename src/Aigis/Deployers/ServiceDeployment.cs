using Aigis.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers;

/// <summary>
/// The replicas of one <c>runtime: process</c> service. Applies each new <see cref="ProcessConfig"/> with as little
/// disruption as it allows, and publishes the healthy replicas as the service's instances after every change.
/// </summary>
/// <remarks>
/// A changed replica count only starts or stops the replicas above the smaller count. Any other change (command,
/// arguments, environment, health path, start timeout) replaces the replicas one at a time (<see cref="ReplicaSlots{TReplica}"/>).
/// </remarks>
internal sealed partial class ServiceDeployment
{
    private readonly string _service;
    private readonly ReplicaEnvironment _environment;
    private readonly ReplicaSlots<ProcessReplica> _slots;
    private ProcessConfig? _config;

    public ServiceDeployment(string service, ReplicaEnvironment environment, IDeployedInstanceSink sink)
    {
        _service = service;
        _environment = environment;
        _slots = new ReplicaSlots<ProcessReplica>(service, sink);
    }

    public string Service => _service;

    public IReadOnlyList<ReplicaStatus> Replicas => _slots.Replicas;

    /// <summary>Brings the replicas in line with <paramref name="next"/>. Not concurrent with itself: the deployer serializes calls.</summary>
    public async Task ApplyAsync(ProcessConfig next, CancellationToken cancellationToken)
    {
        if (_config is { } current && current.Equals(next))
        {
            return;
        }

        ProcessReplica Create(int index) => new(_service, index, next, _environment, _slots.Publish);
        if (_config is null || _config.SameTemplateAs(next))
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
    }

    /// <summary>Stops every replica and withdraws the service's instances.</summary>
    public Task StopAsync() => _slots.EndAsync(r => r.DisposeAsync().AsTask());

    private static partial class Log
    {
        [LoggerMessage(121, LogLevel.Information, "Service {Service}: {From} -> {To} replicas")]
        public static partial void Scaling(ILogger logger, string service, int from, int to);

        [LoggerMessage(122, LogLevel.Information, "Service {Service}: its process section changed; replacing its {Replicas} replicas one at a time")]
        public static partial void Replacing(ILogger logger, string service, int replicas);
    }
}
