using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Aigis.Benchmarks;

/// <summary>A meter factory for a benchmark that builds a metrics-owning component without a host.</summary>
internal static class BenchMeters
{
    public static IMeterFactory NewFactory() =>
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
}
