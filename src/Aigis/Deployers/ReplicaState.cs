namespace Aigis.Deployers;

/// <summary>Where a replica is in its life; only <see cref="Healthy"/> replicas take traffic.</summary>
internal enum ReplicaState
{
    /// <summary>Its process is starting and has not yet answered its health check.</summary>
    Starting,

    /// <summary>It passed its health check and is one of the service's instances.</summary>
    Healthy,

    /// <summary>Its process exited or never became healthy; it is restarted after a delay.</summary>
    BackingOff,

    /// <summary>It failed too often in a short time; it is not restarted until its config changes.</summary>
    CrashLoop,

    /// <summary>Its process is being stopped (scaled down, replaced, or aigis is shutting down).</summary>
    Stopping,

    /// <summary>It is not running and will not be restarted.</summary>
    Stopped,

    /// <summary>Supervising it failed unexpectedly (a bug in aigis, logged); it is not restarted.</summary>
    Failed,
}
