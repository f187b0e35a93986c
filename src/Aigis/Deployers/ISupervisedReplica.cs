namespace Aigis.Deployers;

/// <summary>One supervised replica slot of any runtime, as <see cref="ReplicaSlots{TReplica}"/> drives it. Disposing stops it.</summary>
internal interface ISupervisedReplica : IAsyncDisposable
{
    ReplicaStatus Status { get; }

    /// <summary>Completes when the first start has ended: true once healthy, false if it failed first.</summary>
    Task<bool> FirstOutcome { get; }

    void Start();
}
