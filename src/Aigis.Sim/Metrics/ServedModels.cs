using System.Collections.Frozen;

namespace Aigis.Sim.Metrics;

/// <summary>The models this simulator answers for, each with its metrics; fixed at startup.</summary>
internal sealed class ServedModels
{
    private readonly FrozenDictionary<string, ModelMetrics> _byName;

    public ServedModels(IReadOnlyList<string> names, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(names);
        All = [.. names.Select(name => new ModelMetrics(name))];
        _byName = All.ToFrozenDictionary(model => model.ModelName, StringComparer.Ordinal);
        Created = created;
    }

    /// <summary>Every served model, in the order given on the command line.</summary>
    public IReadOnlyList<ModelMetrics> All { get; }

    /// <summary>When the models were "loaded": the server's start.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>The model's metrics, or null when the simulator does not serve it.</summary>
    public ModelMetrics? Find(string name) => _byName.GetValueOrDefault(name);
}
