using Aigis.Core.Configuration;

namespace Aigis.Rollouts;

/// <summary>
/// The seam between rollouts and a runtime: what a deployer (process, Docker, Kubernetes) implements so that
/// <see cref="RolloutController"/> can replace its replicas one at a time and judge each on live traffic. The
/// controller decides (<see cref="Core.Rollouts.RolloutMachine"/>); the runtime only starts, promotes and discards.
/// </summary>
internal interface IRolloutRuntime
{
    RuntimeKind Runtime { get; }

    /// <summary>
    /// The part of <paramref name="service"/>'s config a rollout changes (for the process runtime, its process section
    /// but the replica count), as stable text: when a reload changes it, the config file's author changed the version
    /// by hand, and the file wins over an earlier rollout.
    /// </summary>
    string Baseline(ServiceConfig service);

    /// <summary>
    /// <paramref name="current"/> (the service as it runs now) with <paramref name="change"/> applied, or why this
    /// runtime cannot apply it (a process service has no image; a container service no command of its own).
    /// </summary>
    (ServiceConfig? Target, string? Error) Apply(ServiceConfig current, RolloutChange change);

    /// <summary>
    /// Takes <paramref name="service"/>'s replicas for a rollout to <paramref name="target"/>: until the session ends,
    /// reloads do not change them (a reload's change is applied when the session ends). Null when the runtime does not
    /// run the service, or a rollout already holds it.
    /// </summary>
    IRolloutSession? Begin(ServiceConfig current, ServiceConfig target, int revision);
}

/// <summary>One rollout's hold on one service's replicas, slot by slot.</summary>
internal interface IRolloutSession
{
    /// <summary>How many replica slots the service has.</summary>
    int Replicas { get; }

    /// <summary>Instance ids of the replicas that still run the previous version: the side the canary is compared with.</summary>
    IReadOnlyList<string> StableInstances { get; }

    /// <summary>
    /// Starts the new version's replica for <paramref name="slot"/> and waits for its first health check. Once healthy it
    /// is published with <paramref name="canaryShare"/> of the traffic. With <paramref name="surge"/> it starts beside the
    /// old replica; without, the old one is taken out of rotation first. Returns the new instance's id, or why it did not
    /// become healthy (it then never had a request and is gone).
    /// </summary>
    Task<(string? InstanceId, string? Failure)> StartAsync(int slot, double canaryShare, bool surge, CancellationToken cancellationToken);

    /// <summary>Why the new replica stopped serving, or null while it serves.</summary>
    string? Lost();

    /// <summary>The new replica takes <paramref name="slot"/> with its full share; the old one leaves rotation and stops.</summary>
    Task PromoteAsync(int slot, CancellationToken cancellationToken);

    /// <summary>Discards the new replica under judgement and brings the previous version back on every slot; returns what could not be restored, if anything.</summary>
    Task<string?> RollBackAsync(CancellationToken cancellationToken);

    /// <summary>Ends the session: <paramref name="succeeded"/> makes the target the service's version; either way reloads apply again.</summary>
    void End(bool succeeded);
}
