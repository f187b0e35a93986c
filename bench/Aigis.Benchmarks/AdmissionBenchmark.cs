using Aigis.Core.Admission;
using Aigis.Core.Identity;
using BenchmarkDotNet.Attributes;

namespace Aigis.Benchmarks;

/// <summary>
/// The cost admission adds to a request when the instance has a free slot: one acquire (synchronous, no queue) and
/// one release (which records the latency sample and, once per window, runs Gradient2). Must allocate nothing.
/// Measured (ShortRun, 2-core EPYC 2.6 GHz, .NET 10): 45.9 ns gradient2, 45.7 ns fixed, 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class AdmissionBenchmark
{
    private static readonly TimeSpan s_rtt = TimeSpan.FromMilliseconds(20);
    private AdmissionLimiter _limiter = null!;

    [Params("gradient2", "fixed")]
    public string Algorithm { get; set; } = "gradient2";

    [GlobalSetup]
    public void Setup() => _limiter = new AdmissionLimiter(
        new AdmissionOptions
        {
            Enabled = true,
            Algorithm = Algorithm == "fixed" ? AdmissionAlgorithm.Fixed : AdmissionAlgorithm.Gradient2,
            InitialLimit = 1000,
            MaxLimit = 1000,
        },
        TimeProvider.System);

    [Benchmark]
    public bool AcquireRelease()
    {
        var pending = _limiter.AcquireAsync(TenantPriority.Normal);
        var admitted = pending.IsCompletedSuccessfully && pending.Result.IsAdmitted;
        _limiter.Release(s_rtt, dropped: false);
        return admitted;
    }
}
