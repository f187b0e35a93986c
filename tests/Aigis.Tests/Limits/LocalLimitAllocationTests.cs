using Aigis.Core.Identity;
using Aigis.Limits;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Limits;

/// <summary>
/// The default (in-memory) backend's decision and charge stay off the heap, as the fixed-window limiter's did:
/// the hot path that every limited request takes (PipelineBenchmark measures the whole pipeline).
/// </summary>
public sealed class LocalLimitAllocationTests
{
    [Fact]
    public void A_local_limit_decision_and_charge_allocate_nothing()
    {
        var time = new FakeTimeProvider();
        var registry = new LimitRegistry(time);
        var backend = new LocalLimitBackend(registry);
        var limits = new TenantLimits { RequestsPerMinute = 1_000_000, TokensPerMinute = 100_000_000, TokensPerDay = 1_000_000_000 };
        var tenant = registry.EnterTenant("acme", limits)!;
        var key = registry.EnterKey("key-1", limits)!;
        Run(backend, tenant, key, 100); // first calls JIT and fill caches

        var before = GC.GetAllocatedBytesForCurrentThread();
        var admitted = Run(backend, tenant, key, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10_000, admitted);
        Assert.Equal(0, allocated);
    }

    // Synchronously, as the middleware's await finds both calls completed: no state machine of the test's own counted.
    private static int Run(LocalLimitBackend backend, LimitEntry tenant, LimitEntry key, int count)
    {
        var admitted = 0;
        for (var i = 0; i < count; i++)
        {
            var decision = backend.AdmitAsync(tenant, key, 50);
            admitted += decision.IsCompletedSuccessfully && decision.Result.Admitted ? 1 : 0;
            var charge = backend.ChargeTokensAsync(tenant, key, 120);
            Assert.True(charge.IsCompletedSuccessfully);
        }

        return admitted;
    }
}
