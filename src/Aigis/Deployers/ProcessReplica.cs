using Aigis.Core.Configuration;

namespace Aigis.Deployers;

/// <summary>
/// Supervises one replica slot of a service (<c>chat-0</c>): starts its process on a free loopback port, waits for
/// its health check, reports it healthy, and when it exits or never becomes healthy, starts it again after a
/// backoff, until a crash loop or a stop. Every change of state is reported through <c>onChanged</c>.
/// </summary>
internal sealed partial class ProcessReplica : ISupervisedReplica
{
    private readonly ProcessConfig _config;
    private readonly ReplicaEnvironment _environment;
    private readonly Action _onChanged;
    private readonly RestartPolicy _restarts;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<bool> _firstOutcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _statusLock = new();
    private readonly int _index;
    private ReplicaStatus _status;
    private Task _supervision = Task.CompletedTask;

    /// <param name="name">Its name in logs and as an instance id; by default <c>service-index</c>. A rollout names its new replicas apart, as they run beside the old.</param>
    public ProcessReplica(string service, int index, ProcessConfig config, ReplicaEnvironment environment, Action onChanged, string? name = null)
    {
        _config = config;
        _environment = environment;
        _onChanged = onChanged;
        _restarts = new RestartPolicy(environment.Options, environment.TimeProvider);
        _index = index;
        Name = name ?? $"{service}-{index}";
        _status = new ReplicaStatus(service, Name, index, ReplicaState.Starting, null, null, 0, null, null, environment.TimeProvider.GetUtcNow(), null);
    }

    public string Name { get; }

    public ProcessConfig Config => _config;

    public ReplicaStatus Status
    {
        get
        {
            lock (_statusLock)
            {
                return _status;
            }
        }
    }

    /// <summary>Completes when the first start has ended: true once healthy, false if it failed first.</summary>
    public Task<bool> FirstOutcome => _firstOutcome.Task;

    public void Start() => _supervision = Task.Run(() => SuperviseAsync(_stopping.Token));

    /// <summary>Stops the process (SIGTERM, SIGKILL after the grace period) and ends supervision.</summary>
    public async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            Update(s => s.State is ReplicaState.CrashLoop or ReplicaState.Failed ? s : s with { State = ReplicaState.Stopping, NextStartAt = null });
            await _stopping.CancelAsync();
        }

        await _supervision;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                var (failure, exitCode) = await RunOnceAsync(stopping);
                var decision = _restarts.RecordFailure();
                if (decision.IsCrashLoop)
                {
                    // Logged before the state shows: whoever sees the crash loop in the status finds the reason in the log.
                    Log.CrashLoop(_environment.Logger, Name, decision.RecentFailures, _environment.Options.CrashLoopWindow, failure);
                    Update(s => s with { State = ReplicaState.CrashLoop, LastFailure = failure, LastExitCode = exitCode ?? s.LastExitCode, NextStartAt = null });
                    _firstOutcome.TrySetResult(false);
                    return;
                }

                // The backoff's timer is armed before anyone can see the replica backing off: "restarts at NextStartAt"
                // then holds for every observer, however soon after the clock moves (a test's fake clock included).
                var nextStart = _environment.TimeProvider.GetUtcNow() + decision.Delay;
                var backoff = Task.Delay(decision.Delay, _environment.TimeProvider, stopping);
                Log.WillRestart(_environment.Logger, Name, failure, decision.Delay);
                Update(s => s with { State = ReplicaState.BackingOff, LastFailure = failure, LastExitCode = exitCode ?? s.LastExitCode, NextStartAt = nextStart });
                _firstOutcome.TrySetResult(false);
                await backoff;
                Update(s => s with { Restarts = s.Restarts + 1 });
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Update(s => s.State is ReplicaState.CrashLoop or ReplicaState.Failed ? s : s with { State = ReplicaState.Stopped, NextStartAt = null });
            Log.Stopped(_environment.Logger, Name);
        }
#pragma warning disable CA1031 // The one boundary: a bug while supervising one replica must not take the gateway down or end silently.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Update(s => s with { State = ReplicaState.Failed, LastFailure = $"supervision failed: {e.Message}", NextStartAt = null });
            Log.SupervisionFailed(_environment.Logger, Name, e);
        }
        finally
        {
            _firstOutcome.TrySetResult(false);
        }
    }

    /// <summary>Runs one process of the replica to its end; returns why it ended. Throws only when stopping.</summary>
    private async Task<(string Failure, int? ExitCode)> RunOnceAsync(CancellationToken stopping)
    {
        var port = LoopbackPort.Pick();
        var url = new Uri($"http://127.0.0.1:{port}/");
        Update(s => s with { State = ReplicaState.Starting, Url = url, ProcessId = null, NextStartAt = null });
        var (launch, resolveError) = ReplicaCommand.Resolve(_config, _index, port);
        if (launch is null)
        {
            return (resolveError!, null);
        }

        var (process, startError) = ReplicaProcess.Start(Name, launch, _environment.Options.StopGracePeriod, _environment.TimeProvider, _environment.Logger);
        if (process is null)
        {
            return (startError!, null);
        }

        // Disposing stops the process on every way out: a failed health check, an exit, a stop.
        await using (process)
        {
            var pid = await process.CommandPid.WaitAsync(stopping);
            Update(s => s with { ProcessId = pid == 0 ? null : pid });
            Log.Starting(_environment.Logger, Name, pid, url);

            var health = await _environment.HealthProbe.WaitUntilHealthyAsync(new Uri(url, _config.HealthPath), _config.StartTimeout, process.Exited, stopping);
            switch (health)
            {
                case HealthOutcome.Exited:
                    var early = await process.Exited;
                    return ($"exited with code {early} before it was healthy", early);
                case HealthOutcome.TimedOut:
                    return ($"not healthy within {DurationParser.Format(_config.StartTimeout)} (GET {_config.HealthPath} never answered 2xx)", null);
            }

            _restarts.RecordHealthy();
            Update(s => s with { State = ReplicaState.Healthy });
            _firstOutcome.TrySetResult(true);
            Log.Healthy(_environment.Logger, Name, url);

            var code = await process.Exited.WaitAsync(stopping);
            return ($"exited with code {code}", code);
        }
    }

    private void Update(Func<ReplicaStatus, ReplicaStatus> change)
    {
        lock (_statusLock)
        {
            var next = change(_status);
            if (next == _status)
            {
                return;
            }

            _status = next.State == _status.State ? next : next with { Since = _environment.TimeProvider.GetUtcNow() };
        }

        _onChanged();
    }
}
