namespace Aigis.Deployers;

/// <summary>The names replica states are shown with, on the console and in the admin API.</summary>
internal static class ReplicaStateNames
{
    public static string Of(ReplicaState state) => state switch
    {
        ReplicaState.Starting => "starting",
        ReplicaState.Healthy => "healthy",
        ReplicaState.BackingOff => "backing-off",
        ReplicaState.CrashLoop => "crash-loop",
        ReplicaState.Stopping => "stopping",
        ReplicaState.Stopped => "stopped",
        _ => "failed",
    };
}
