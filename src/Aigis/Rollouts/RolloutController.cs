using Aigis.Core.Configuration;
using Aigis.Hosting;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Store;
using Microsoft.Extensions.Logging;

namespace Aigis.Rollouts;

/// <summary>
/// Starts rollouts (<c>aigis deploy</c>, <c>POST /admin/v1/services/{name}/rollouts</c>), runs each in the background
/// (<see cref="RolloutRun"/>), keeps their history in the store, and lays the versions they put in place over the
/// config file (<see cref="RolloutOverrides"/>). One rollout per service at a time.
/// </summary>
internal sealed partial class RolloutController : IAsyncDisposable
{
    private readonly GatewayState _state;
    private readonly Dictionary<RuntimeKind, IRolloutRuntime> _runtimes;
    private readonly IRolloutStore _store;
    private readonly AuditWriter _audit;
    private readonly Func<CancellationToken, Task> _reconcile;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly List<Task> _writes = [];

    /// <param name="reconcile">Brings the deployers in line with the effective config now; called when a rollout ends.</param>
    public RolloutController(
        GatewayState state, IEnumerable<IRolloutRuntime> runtimes, IRolloutStore store, AuditWriter audit,
        Func<CancellationToken, Task> reconcile, TimeProvider time, ILogger logger)
    {
        _state = state;
        _runtimes = runtimes.ToDictionary(r => r.Runtime);
        _store = store;
        _audit = audit;
        _reconcile = reconcile;
        _time = time;
        _logger = logger;
        Overrides = new RolloutOverrides(_runtimes);
        Overrides.Superseded += OnSuperseded;
    }

    public RolloutOverrides Overrides { get; }

    /// <summary>The config the deployers run: the file with the rollouts in force.</summary>
    public AigisConfig Effective(AigisConfig file) => Overrides.Effective(file);

    /// <summary>
    /// Loads the rollouts in force, and closes those a stop or crash interrupted: their new replicas died with the old
    /// aigis, and the previous version is what starts, so they are recorded as aborted.
    /// </summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var interrupted in await _store.ReadRunningRolloutsAsync(cancellationToken))
        {
            var why = "aigis stopped during the rollout; the previous version runs";
            var steps = interrupted.Steps.Append(new Core.Rollouts.RolloutStep(_time.GetUtcNow(), Core.Rollouts.RolloutPhase.Aborted, -1, 0, "aborted: " + why)).ToArray();
            await _store.UpdateRolloutAsync(
                interrupted with { Status = RolloutStatus.Aborted, Phase = Core.Rollouts.RolloutPhase.Aborted, EndedAt = _time.GetUtcNow(), Reason = interrupted.Reason ?? why, Steps = steps },
                cancellationToken);
            Log.Interrupted(_logger, interrupted.Id, interrupted.Service);
        }

        Overrides.Load(await _store.ReadInForceRolloutsAsync(cancellationToken));
    }

    /// <summary>Whether <paramref name="rollout"/>'s version is the one its service runs.</summary>
    public bool IsInForce(RolloutRecord rollout) => Overrides.Of(rollout.Service)?.Id == rollout.Id;

    /// <summary>Starts a rollout of <paramref name="change"/> to <paramref name="service"/>; returns it as first stored, or why not.</summary>
    public async Task<(RolloutRecord? Rollout, GatewayError? Error)> StartAsync(string service, RolloutChange change, string actor, string? requestId, CancellationToken cancellationToken)
    {
        var file = _state.Config.Services.FirstOrDefault(s => s.Name == service);
        if (file is null)
        {
            return (null, GatewayError.UnknownService(service));
        }

        if (!_runtimes.TryGetValue(file.Runtime, out var runtime))
        {
            return (null, Invalid($"service '{service}' runs on the {file.Runtime.ToString().ToLowerInvariant()} runtime, which aigis does not deploy; rollouts need a deployed runtime (process here)"));
        }

        if (change.IsEmpty)
        {
            return (null, Invalid("a rollout needs a change: an image, a command or arguments"));
        }

        // The effective config first: it drops a rollout the file has superseded, whose change must not carry over.
        var current = Effective(_state.Config).Services.First(s => s.Name == service);
        var merged = change.Over(Overrides.Of(service)?.Change);
        var (target, error) = runtime.Apply(file, merged);
        if (target is null)
        {
            return (null, Invalid(error!));
        }

        if (runtime.Baseline(target) == runtime.Baseline(current))
        {
            return (null, Invalid($"service '{service}' already runs that version"));
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_running.ContainsKey(service))
            {
                return (null, Busy($"a rollout of service '{service}' is already running; wait for it to end (aigis deploy shows it, GET /admin/v1/rollouts?service={service})"));
            }

            _running[service] = gate.Task;
        }

        try
        {
            var revision = await _store.ReadLastRevisionAsync(service, cancellationToken) + 1;
            if (runtime.Begin(current, target, revision) is not { } session)
            {
                Release(service, gate);
                return (null, Busy($"service '{service}' has no running replicas to replace yet; try again once it is up"));
            }

            var record = new RolloutRecord(0, service, revision, RolloutStatus.Running, Core.Rollouts.RolloutPhase.Starting, merged, runtime.Baseline(file), actor,
                _time.GetUtcNow(), null, null, session.Replicas, 0, []);
            try
            {
                record = record with { Id = await _store.InsertRolloutAsync(record, cancellationToken) };
            }
            catch
            {
                session.End(succeeded: false);
                throw;
            }

            _audit.Record(RolloutAudit.Started(record, requestId));
            Log.Started(_logger, record.Id, service, revision, session.Replicas);
            var run = new RolloutRun(record, session, file.Rollout, _state, _store, _time, _logger);
            // Not the caller's token: the rollout outlives the admin call that started it; a stop of aigis ends it.
            var task = Task.Run(() => RunAsync(run), CancellationToken.None);
            lock (_lock)
            {
                // Unless it has already ended (and removed its entry): then there is nothing left to wait for.
                if (_running.TryGetValue(service, out var held) && held == gate.Task)
                {
                    _running[service] = task;
                }
            }

            gate.TrySetResult();

            return (record, null);
        }
        catch
        {
            Release(service, gate);
            throw;
        }
    }

    /// <summary>Stops every running rollout (recorded as aborted) and waits for them and for pending writes.</summary>
    public async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        Task[] pending;
        lock (_lock)
        {
            pending = [.. _running.Values, .. _writes];
        }

        await Task.WhenAll(pending);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Overrides.Superseded -= OnSuperseded;
        _stopping.Dispose();
    }

    private async Task RunAsync(RolloutRun run)
    {
        var service = run.Service;
        RolloutRecord record;
        try
        {
            record = await run.RunAsync(_stopping.Token);
        }
        catch (System.Data.Common.DbException e)
        {
            // The store failed to record a step: the run cannot go on unrecorded. The replicas stay as they are.
            Log.StoreFailed(_logger, e, service);
            run.Session.End(succeeded: false);
            Forget(service);
            return;
        }

        if (record.Status == RolloutStatus.Succeeded)
        {
            Overrides.Set(record);
        }

        run.Session.End(record.Status == RolloutStatus.Succeeded);
        _audit.Record(RolloutAudit.Ended(record));
        Log.Ended(_logger, record.Id, record.Service, record.Status, record.Reason ?? "");
        Forget(service);

        if (!_stopping.IsCancellationRequested)
        {
            // A reload that came while the rollout held the service is applied now, over the rollout's outcome.
            await _reconcile(_stopping.Token);
        }
    }

    private void Forget(string service)
    {
        lock (_lock)
        {
            _running.Remove(service);
        }
    }

    private void Release(string service, TaskCompletionSource gate)
    {
        lock (_lock)
        {
            _running.Remove(service);
        }

        gate.TrySetResult();
    }

    private void OnSuperseded(RolloutRecord rollout)
    {
        Log.Superseded(_logger, rollout.Id, rollout.Service, rollout.Revision);
        _audit.Record(RolloutAudit.Superseded(rollout, _time.GetUtcNow()));
        lock (_lock)
        {
            _writes.RemoveAll(t => t.IsCompleted);
            _writes.Add(_store.UpdateRolloutAsync(rollout, CancellationToken.None));
        }
    }

    private static GatewayError Invalid(string message) => new(400, "invalid_request_error", "invalid_rollout", message);

    private static GatewayError Busy(string message) => new(409, "invalid_request_error", "rollout_conflict", message);

    private static partial class Log
    {
        [LoggerMessage(400, LogLevel.Information, "Rollout {Id} of service {Service} to revision {Revision} started: {Replicas} replicas to replace")]
        public static partial void Started(ILogger logger, long id, string service, int revision, int replicas);

        [LoggerMessage(401, LogLevel.Warning, "Rollout {Id} of service {Service} ended {Status}: {Reason}")]
        public static partial void Ended(ILogger logger, long id, string service, string status, string reason);

        [LoggerMessage(402, LogLevel.Warning, "Rollout {Id} of service {Service} was interrupted by a stop of aigis; recorded as aborted, the previous version runs")]
        public static partial void Interrupted(ILogger logger, long id, string service);

        [LoggerMessage(404, LogLevel.Error, "A rollout of service {Service} could not be recorded in the store; it is stopped where it stands")]
        public static partial void StoreFailed(ILogger logger, Exception exception, string service);

        [LoggerMessage(403, LogLevel.Warning, "The config file's section of service {Service} changed since rollout {Id} (revision {Revision}): the file's version runs now")]
        public static partial void Superseded(ILogger logger, long id, string service, int revision);
    }
}
