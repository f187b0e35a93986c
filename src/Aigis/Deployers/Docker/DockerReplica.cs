using Aigis.Core.Configuration;
using Docker.DotNet;
using Docker.DotNet.Models;
using DockerConfig = Aigis.Core.Configuration.DockerConfig;

namespace Aigis.Deployers.Docker;

/// <summary>
/// Supervises one replica slot of a <c>runtime: docker</c> service (<c>chat-0</c>): creates its container on a free
/// loopback port (or adopts the one a previous aigis left), waits for its health check, reports it healthy, streams its
/// output into the log, and when it exits or never becomes healthy, starts it again after a backoff, until a crash loop
/// or a stop. A stop stops and removes the container; a detach leaves it running for the next aigis to adopt.
/// </summary>
internal sealed partial class DockerReplica : ISupervisedReplica
{
    private readonly DockerEnvironment _environment;
    private readonly Action _onChanged;
    private readonly RestartPolicy _restarts;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<bool> _firstOutcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _statusLock = new();
    private readonly int _index;
    private readonly string _service;
    private AdoptedContainer? _adopted;
    private volatile bool _removeOnStop = true;
    private ReplicaStatus _status;
    private Task _supervision = Task.CompletedTask;

    public DockerReplica(string service, int index, DockerConfig config, ResourcesConfig resources, DockerEnvironment environment, Action onChanged, AdoptedContainer? adopted = null)
    {
        Config = config;
        Resources = resources;
        Template = DockerLabels.TemplateOf(config, resources);
        _environment = environment;
        _onChanged = onChanged;
        _restarts = new RestartPolicy(environment.Options.Restarts, environment.TimeProvider);
        _service = service;
        _index = index;
        _adopted = adopted;
        Name = $"{service}-{index}";
        _status = new ReplicaStatus(service, Name, index, ReplicaState.Starting, null, null, 0, null, null, environment.TimeProvider.GetUtcNow(), null, adopted?.Id);
    }

    public string Name { get; }

    public DockerConfig Config { get; }

    public ResourcesConfig Resources { get; }

    /// <summary>The template hash its containers are labelled with (<see cref="DockerLabels.TemplateOf"/>).</summary>
    public string Template { get; }

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

    /// <summary>Ends supervision and stops and removes the container (SIGTERM, SIGKILL after the service's stop timeout).</summary>
    public Task StopAsync() => EndAsync(remove: true);

    /// <summary>Ends supervision and leaves the container running, for the next aigis to adopt.</summary>
    public Task DetachAsync() => EndAsync(remove: false);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task EndAsync(bool remove)
    {
        if (!_stopping.IsCancellationRequested)
        {
            _removeOnStop = remove;
            Update(s => s.State is ReplicaState.CrashLoop or ReplicaState.Failed ? s : s with { State = ReplicaState.Stopping, NextStartAt = null });
            await _stopping.CancelAsync();
        }

        await _supervision;
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        string? containerId = null;
        try
        {
            while (true)
            {
                var (id, port, failure) = await EnsureContainerAsync(containerId, stopping);
                containerId = id;
                var (ended, exitCode, replace) = id is null ? (failure!, null, false) : await RunOnceAsync(id, port, stopping);
                var decision = _restarts.RecordFailure();
                _firstOutcome.TrySetResult(false);
                if (replace && containerId is not null)
                {
                    // Running but never healthy: a fresh container (and port) is the only way to start it over.
                    await RemoveAsync(containerId);
                    containerId = null;
                }

                if (decision.IsCrashLoop)
                {
                    Log.CrashLoop(_environment.Logger, Name, decision.RecentFailures, _environment.Options.Restarts.CrashLoopWindow, ended);
                    Update(s => s with { State = ReplicaState.CrashLoop, LastFailure = ended, LastExitCode = exitCode ?? s.LastExitCode, NextStartAt = null });
                    await Task.Delay(Timeout.InfiniteTimeSpan, _environment.TimeProvider, stopping);
                }

                var nextStart = _environment.TimeProvider.GetUtcNow() + decision.Delay;
                Update(s => s with { State = ReplicaState.BackingOff, LastFailure = ended, LastExitCode = exitCode ?? s.LastExitCode, NextStartAt = nextStart });
                Log.WillRestart(_environment.Logger, Name, ended, decision.Delay);
                await Task.Delay(decision.Delay, _environment.TimeProvider, stopping);
                Update(s => s with { Restarts = s.Restarts + 1 });
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Update(s => s.State is ReplicaState.CrashLoop or ReplicaState.Failed ? s : s with { State = ReplicaState.Stopped, NextStartAt = null });
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
            if (containerId is not null && _removeOnStop)
            {
                await RemoveAsync(containerId);
                Log.Stopped(_environment.Logger, Name, containerId);
            }
            else if (containerId is not null)
            {
                Log.Detached(_environment.Logger, Name, containerId);
            }
        }
    }

    /// <summary>
    /// A running container for the slot: the adopted one, the current one (started again if the engine did not), or a
    /// new one on a fresh port. Returns why there is none when the engine refuses (no such image, a name taken).
    /// </summary>
    private async Task<(string? Id, int Port, string? Failure)> EnsureContainerAsync(string? current, CancellationToken stopping)
    {
        if (_adopted is { } adopted)
        {
            _adopted = null;
            Log.Adopted(_environment.Logger, Name, adopted.Id, adopted.Port);
            return adopted.Running ? (adopted.Id, adopted.Port, null) : await StartExistingAsync(adopted.Id, adopted.Port, stopping);
        }

        if (current is not null)
        {
            try
            {
                var inspected = await _environment.Client.Containers.InspectContainerAsync(current, stopping);
                var port = DockerLabels.IntLabel(inspected.Config?.Labels, DockerLabels.Port) ?? 0;
                return inspected.State is { Running: true } or { Restarting: true } ? (current, port, null) : await StartExistingAsync(current, port, stopping);
            }
            catch (DockerContainerNotFoundException)
            {
                // Removed behind aigis's back: a new one takes the slot.
            }
        }

        var freshPort = LoopbackPort.Pick();
        var spec = ContainerSpec.For(_environment.Options.Identity, _service, _index, freshPort, Config, Resources);
        try
        {
            var created = await _environment.Client.Containers.CreateContainerAsync(spec, stopping);
            Update(s => s with { ContainerId = created.ID });
            await _environment.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), stopping);
            Log.Created(_environment.Logger, Name, created.ID, Config.Image, freshPort);
            return (created.ID, freshPort, null);
        }
        catch (DockerApiException e)
        {
            // The engine's refusal is the replica's failure, in the engine's words (e.g. "No such image: srv:1").
            return (null, 0, $"the engine refused to run {Config.Image}: {Message(e)}");
        }
    }

    private async Task<(string? Id, int Port, string? Failure)> StartExistingAsync(string id, int port, CancellationToken stopping)
    {
        try
        {
            await _environment.Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), stopping);
            return (id, port, null);
        }
        catch (DockerApiException e)
        {
            return (id, port, $"the engine could not start container {Short(id)}: {Message(e)}");
        }
    }

    /// <summary>Watches one run of the container to its end; returns why it ended, and whether it must be replaced.</summary>
    private async Task<(string Failure, int? ExitCode, bool Replace)> RunOnceAsync(string id, int port, CancellationToken stopping)
    {
        var url = new Uri($"http://127.0.0.1:{port}/");
        Update(s => s with { State = ReplicaState.Starting, Url = url, ContainerId = id, NextStartAt = null });
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var exited = WaitForExitAsync(id, run.Token);
        var logs = FollowLogsAsync(id, run.Token);
        try
        {
            var health = await _environment.HealthProbe.WaitUntilHealthyAsync(new Uri(url, Config.HealthPath), Config.StartTimeout, exited, stopping);
            switch (health)
            {
                case HealthOutcome.Exited:
                    var early = await exited;
                    stopping.ThrowIfCancellationRequested();
                    return ($"exited with code {Code(early)} before it was healthy", early, false);
                case HealthOutcome.TimedOut:
                    return ($"not healthy within {DurationParser.Format(Config.StartTimeout)} (GET {Config.HealthPath} never answered 2xx)", null, true);
            }

            _restarts.RecordHealthy();
            Update(s => s with { State = ReplicaState.Healthy });
            _firstOutcome.TrySetResult(true);
            Log.Healthy(_environment.Logger, Name, url);

            var code = await exited.WaitAsync(stopping);
            stopping.ThrowIfCancellationRequested();
            return ($"exited with code {Code(code)}", code, false);
        }
        finally
        {
            await run.CancelAsync();
            await logs;
        }
    }

    /// <summary>The container's exit code once it stops running; null if the engine could not say (it went away).</summary>
    private async Task<int?> WaitForExitAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _environment.Client.Containers.WaitContainerAsync(id, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    private async Task FollowLogsAsync(string id, CancellationToken cancellationToken)
    {
        // Each run from now on: an adopted or restarted container's earlier output was logged by whoever watched it then.
        var since = _environment.TimeProvider.GetUtcNow();
        try
        {
            await ContainerLogs.FollowAsync(_environment.Client, id, Name, Status.Restarts == 0 && Status.ContainerId == id ? null : since, _environment.Logger, cancellationToken);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or OperationCanceledException)
        {
            // The container or the engine went away, or the run ended: its exit is handled by the supervision.
        }
    }

    private async Task RemoveAsync(string id)
    {
        try
        {
            var timeout = (uint)Math.Ceiling(Config.StopTimeout.TotalSeconds);
            await _environment.Client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = timeout }, CancellationToken.None);
            await _environment.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone.
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            Log.RemoveFailed(_environment.Logger, Name, Short(id), e.Message);
        }
    }

    private static string Code(int? code) => code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static string Message(DockerApiException e) => e.ResponseBody is { Length: > 0 } body ? body.Trim() : e.Message;

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
