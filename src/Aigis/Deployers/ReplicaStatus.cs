namespace Aigis.Deployers;

/// <summary>What is known about one replica at a moment: the read model behind the admin API's replica list.</summary>
/// <param name="Service">The service it belongs to.</param>
/// <param name="Name">The service name and the replica index, as in logs: <c>chat-0</c>.</param>
/// <param name="Index">The replica index, from 0; what <c>{replica}</c> expands to.</param>
/// <param name="State">Where it is in its life.</param>
/// <param name="Url">Its base URL on the loopback interface, while it has a process.</param>
/// <param name="ProcessId">The pid of the command (not of its supervisor), once known.</param>
/// <param name="Restarts">How many times it was started again after a failure.</param>
/// <param name="LastExitCode">The exit code of its last process that exited, if one has.</param>
/// <param name="LastFailure">Why it last failed, in words, if it has.</param>
/// <param name="Since">When it entered <paramref name="State"/>.</param>
/// <param name="NextStartAt">When it starts again, while <see cref="ReplicaState.BackingOff"/>.</param>
/// <param name="ContainerId">The container it runs in, for replicas of the Docker runtime.</param>
internal sealed record ReplicaStatus(
    string Service,
    string Name,
    int Index,
    ReplicaState State,
    Uri? Url,
    int? ProcessId,
    int Restarts,
    int? LastExitCode,
    string? LastFailure,
    DateTimeOffset Since,
    DateTimeOffset? NextStartAt,
    string? ContainerId = null);
