using System.Globalization;
using System.Text;
using Aigis.Sim.Metrics;

namespace Aigis.Sim.Faults;

/// <summary>Counts injected faults by kind, so a resilience test can check what the simulator actually did.</summary>
internal sealed class FaultMetrics : IMetricFamilies
{
    public const string Name = "aigis_sim:faults_injected_total";

    private static readonly string[] _kindLabels = ["error", "latency", "hang", "crash", "stream_cut", "malformed_stream"];

    private readonly long[] _counts = new long[_kindLabels.Length];

    public void Injected(FaultKind kind) => Interlocked.Increment(ref _counts[(int)kind]);

    public long Count(FaultKind kind) => Volatile.Read(ref _counts[(int)kind]);

    public void WriteTo(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Append("# HELP ").Append(Name).Append(" Faults injected into model requests, by kind.\n");
        text.Append("# TYPE ").Append(Name).Append(" counter\n");
        for (var kind = 0; kind < _kindLabels.Length; kind++)
        {
            text.Append(Name).Append("{kind=\"").Append(_kindLabels[kind]).Append("\"} ")
                .Append(Volatile.Read(ref _counts[kind]).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
