using System.Text;

namespace Aigis.Sim.Metrics;

/// <summary>Metric families a component adds to /metrics, after the model families.</summary>
internal interface IMetricFamilies
{
    /// <summary>Appends complete families (HELP, TYPE and samples) in Prometheus text format 0.0.4.</summary>
    void WriteTo(StringBuilder text);
}
