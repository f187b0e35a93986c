using Aigis.Core.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Resilience;

public sealed class ActiveHealthTests
{
    [Fact]
    public void Unhealthy_after_the_threshold_of_failed_probes_and_back_after_the_threshold_of_passes()
    {
        var health = new InstanceHealth(new FakeTimeProvider());
        var options = new HealthCheckOptions { HealthyThreshold = 2, UnhealthyThreshold = 3 };
        Assert.Null(health.RecordProbe(false, options));
        Assert.Null(health.RecordProbe(false, options));
        Assert.True(health.IsAvailable);
        Assert.False(health.RecordProbe(false, options));
        Assert.False(health.IsAvailable);

        Assert.Null(health.RecordProbe(true, options));
        Assert.False(health.IsAvailable);
        Assert.True(health.RecordProbe(true, options));
        Assert.True(health.IsAvailable);
    }
}
