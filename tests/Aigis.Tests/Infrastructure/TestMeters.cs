using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Aigis.Tests.Infrastructure;

/// <summary>A meter factory of its own for a test that builds a metrics-owning component without a host.</summary>
internal static class TestMeters
{
    public static IMeterFactory NewFactory() =>
        new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
}
