using System.Security.Cryptography;
using Aigis.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Aigis.Hosting;

/// <summary>The result of one reload attempt.</summary>
internal sealed record ConfigReloadOutcome(bool Applied, IReadOnlyList<ConfigError> Errors)
{
    /// <summary>Keys the reload changed that are read only at start (logged by name); empty when everything applied.</summary>
    public IReadOnlyList<string> NeedsRestart { get; init; } = [];
}

/// <summary>
/// Reloads the config file when it changes. An edit is validated in full; a valid one is applied atomically,
/// an invalid one is refused with the same messages as <c>aigis validate</c> and the running config stays.
/// </summary>
/// <remarks>
/// File-system events are only a hint: editors write files in several steps (truncate, write, rename), so a
/// change is read after a short quiet period, and content that hashes the same as the last attempt is
/// ignored. A slow periodic check catches events the watcher missed (some file systems send none).
/// </remarks>
internal sealed partial class ConfigFileWatcher : IDisposable
{
    private static readonly TimeSpan s_quietPeriod = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(2);

    private readonly string _path;
    private readonly Func<IEnumerable<ConfigOverride>> _overrides;
    private readonly GatewayState _state;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly ITimer _debounce;
    private readonly ITimer _poll;
    private byte[] _lastHash;

    public ConfigFileWatcher(string path, Func<IEnumerable<ConfigOverride>> overrides, GatewayState state, TimeProvider timeProvider, ILogger logger)
    {
        _path = Path.GetFullPath(path);
        _overrides = overrides;
        _state = state;
        _logger = logger;
        _lastHash = HashOf(_path) ?? [];
        _debounce = timeProvider.CreateTimer(_ => CheckForChange(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _poll = timeProvider.CreateTimer(_ => CheckForChange(), null, s_pollInterval, s_pollInterval);

        var directory = Path.GetDirectoryName(_path)!;
        try
        {
            _watcher = new FileSystemWatcher(directory, Path.GetFileName(_path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            _watcher.Changed += (_, _) => ScheduleCheck();
            _watcher.Created += (_, _) => ScheduleCheck();
            _watcher.Renamed += (_, _) => ScheduleCheck();
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // Out of inotify watches, or a file system without events: the periodic check still works.
            Log.WatcherUnavailable(_logger, _path, e.Message);
            _watcher = null;
        }
    }

    /// <summary>Raised after every reload attempt, applied or refused.</summary>
    public event Action<ConfigReloadOutcome>? Reloaded;

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce.Dispose();
        _poll.Dispose();
    }

    private void ScheduleCheck() => _debounce.Change(s_quietPeriod, Timeout.InfiniteTimeSpan);

    private void CheckForChange()
    {
        ConfigReloadOutcome outcome;
        lock (_reloadLock)
        {
            var hash = HashOf(_path);
            if (hash is null || hash.AsSpan().SequenceEqual(_lastHash))
            {
                return;
            }

            _lastHash = hash;
            outcome = Reload();
        }

        Reloaded?.Invoke(outcome);
    }

    private ConfigReloadOutcome Reload()
    {
        var result = ConfigLoader.LoadFile(_path, _overrides());
        if (!result.IsValid)
        {
            Log.ReloadRefused(_logger, _path, result.Errors.Count);
            foreach (var error in result.Errors)
            {
                Log.ConfigProblem(_logger, error.ToString());
            }

            return new ConfigReloadOutcome(false, result.Errors);
        }

        var running = _state.Config;
        var current = running.Gateway;
        var currentStore = running.Store;
        var next = result.Config!;
        var needsRestart = RestartOnlyKeys.Changed(running, next);
        if (needsRestart.Count > 0)
        {
            Log.NeedsRestart(_logger, _path, string.Join(", ", needsRestart));
        }

        // Listeners and the store stay as they were opened; everything else (gateway.auth too) takes effect now.
        var table = _state.Apply(next with { Gateway = next.Gateway with { Listen = current.Listen, Admin = current.Admin }, Store = currentStore });
        Log.Reloaded(_logger, _path, table.ByName.Count, table.ByName.Values.Sum(s => s.Instances.Length));
        return new ConfigReloadOutcome(true, []) { NeedsRestart = needsRestart };
    }

    private static byte[]? HashOf(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return SHA256.HashData(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Mid-rename or deleted: try again at the next event or poll.
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Config {Path} reloaded: {Services} services, {Instances} instances")]
        public static partial void Reloaded(ILogger logger, string path, int services, int instances);

        [LoggerMessage(11, LogLevel.Error, "Config {Path} changed but has {Count} problems; the running config stays")]
        public static partial void ReloadRefused(ILogger logger, string path, int count);

        [LoggerMessage(12, LogLevel.Error, "{Problem}")]
        public static partial void ConfigProblem(ILogger logger, string problem);

        [LoggerMessage(13, LogLevel.Warning, "Config {Path}: {Keys} changed, and aigis reads them only at start: restart aigis to apply them; every other change is applied now")]
        public static partial void NeedsRestart(ILogger logger, string path, string keys);

        [LoggerMessage(14, LogLevel.Warning, "Cannot watch {Path} for changes ({Reason}); checking it every 2s instead")]
        public static partial void WatcherUnavailable(ILogger logger, string path, string reason);
    }
}
