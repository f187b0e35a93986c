using System.Security.Cryptography;
using Aigis.Serialization;

namespace Aigis.Hosting;

/// <summary>
/// The config as the admin API reports it: the file the running config came from, the last reload attempt and what
/// the last applied change changed. Fed by the watcher's outcome events; holds the text of the applied file so the
/// next change can be compared with it, and never hands that text out (it may hold secrets).
/// </summary>
internal sealed class ConfigHistory(string? path, TimeProvider time)
{
    private readonly Lock _lock = new();
    private string? _appliedText = path is null ? null : TryRead(path);
    private ReloadView? _lastReload;
    private IReadOnlyList<ConfigChangeView> _lastChange = [];

    public string? Path => path;

    /// <summary>The text of the file as last applied (for <c>config diff</c> against the running config).</summary>
    public string? AppliedText
    {
        get
        {
            lock (_lock)
            {
                return _appliedText;
            }
        }
    }

    public (ReloadView? LastReload, IReadOnlyList<ConfigChangeView> LastChange, string? Sha256) Snapshot()
    {
        lock (_lock)
        {
            var hash = _appliedText is null ? null : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_appliedText)));
            return (_lastReload, _lastChange, hash);
        }
    }

    /// <summary>Called after each reload attempt. An applied one re-reads the file it applied and records the difference.</summary>
    public void OnReloaded(ConfigReloadOutcome outcome)
    {
        var text = outcome.Applied && path is not null ? TryRead(path) : null;
        lock (_lock)
        {
            _lastReload = new ReloadView(time.GetUtcNow(), outcome.Applied, outcome.Errors.Select(e => e.ToString()).ToArray(), outcome.NeedsRestart);
            if (text is not null)
            {
                _lastChange = ConfigDiff.Compare(_appliedText, text);
                _appliedText = text;
            }
        }
    }

    private static string? TryRead(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Mid-rename: the diff of this change is lost, the next one compares with what was read last.
            return null;
        }
    }
}
