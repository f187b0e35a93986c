using Aigis.Core.Configuration;

namespace Aigis.Rollouts;

/// <summary>
/// The versions rollouts put in place, laid over the config file: what the deployers run is the file with each
/// service's last succeeded rollout applied to it.
/// </summary>
/// <remarks>
/// A completed rollout does not rewrite the config file: the file may be read-only, generated, or a ConfigMap, and
/// rewriting it would drop its comments. The store keeps the rollout instead, with the file's section as it was when the
/// rollout started (its baseline). A reload that leaves that section alone keeps the rolled-out version (a reload does
/// not undo a rollout, nor start it again); a reload that changes it means someone chose a version by hand, so the file
/// wins, and the rollout is marked superseded, logged and audited (it does not come back if the file is changed back).
/// Replica counts and every other key of the file apply either way.
/// </remarks>
internal sealed class RolloutOverrides(IReadOnlyDictionary<RuntimeKind, IRolloutRuntime> runtimes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RolloutRecord> _inForce = new(StringComparer.Ordinal);

    /// <summary>Raised (outside the lock) for each rollout a reload superseded, so it can be recorded.</summary>
    public event Action<RolloutRecord>? Superseded;

    public void Load(IEnumerable<RolloutRecord> inForce)
    {
        lock (_lock)
        {
            foreach (var rollout in inForce)
            {
                _inForce[rollout.Service] = rollout;
            }
        }
    }

    /// <summary>Makes <paramref name="rollout"/> (succeeded) its service's version.</summary>
    public void Set(RolloutRecord rollout)
    {
        lock (_lock)
        {
            _inForce[rollout.Service] = rollout;
        }
    }

    /// <summary>The rollout whose version <paramref name="service"/> runs, if one is in force.</summary>
    public RolloutRecord? Of(string service)
    {
        lock (_lock)
        {
            return _inForce.GetValueOrDefault(service);
        }
    }

    /// <summary>The config the deployers run: <paramref name="file"/> with every rollout in force applied.</summary>
    public AigisConfig Effective(AigisConfig file)
    {
        List<RolloutRecord>? superseded = null;
        AigisConfig effective;
        lock (_lock)
        {
            if (_inForce.Count == 0)
            {
                return file;
            }

            var services = new List<ServiceConfig>(file.Services.Count);
            foreach (var service in file.Services)
            {
                if (!_inForce.TryGetValue(service.Name, out var rollout) || !runtimes.TryGetValue(service.Runtime, out var runtime))
                {
                    services.Add(service);
                    continue;
                }

                if (runtime.Baseline(service) != rollout.Baseline)
                {
                    _inForce.Remove(service.Name);
                    (superseded ??= []).Add(rollout with { Superseded = true });
                    services.Add(service);
                    continue;
                }

                services.Add(runtime.Apply(service, rollout.Change).Target ?? service);
            }

            effective = file with { Services = services };
        }

        foreach (var rollout in superseded ?? [])
        {
            Superseded?.Invoke(rollout);
        }

        return effective;
    }
}
