using System.Globalization;
using System.Text.Json;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Chaos;

/// <summary>
/// One phase of open-loop load, as <c>aigis bench load --json</c> reports it. The load runs in its own process, as
/// a user would run it: the test process (its thread pool and heap after hundreds of other tests) never delays a
/// send and so never adds latency the gateway did not cause.
/// </summary>
internal sealed record LoadPhase(int Requests, int Errors, double P50Ms, double P99Ms, double MaxMs, IReadOnlyDictionary<string, int> ErrorsByKind)
{
    public double SuccessRate => Requests == 0 ? 1 : (double)(Requests - Errors) / Requests;

    public static async Task<LoadPhase> RunAsync(Uri url, string model, double rate, TimeSpan duration)
    {
        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(duration + TimeSpan.FromSeconds(60),
            "bench", "load", "--url", url.ToString(), "--model", model, "--json", "--timeout", "20s",
            "--rate", rate.ToString(CultureInfo.InvariantCulture), "--duration", $"{(int)duration.TotalMilliseconds}ms");
        var line = stdout.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        Assert.True(exitCode == 0 && line is not null, $"aigis bench load exited {exitCode}: {stdout} {stderr}");

        using var json = JsonDocument.Parse(line!);
        var root = json.RootElement;
        var errors = root.GetProperty("errors_by_status").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        return new LoadPhase(
            root.GetProperty("requests").GetInt32(), root.GetProperty("errors").GetInt32(),
            root.GetProperty("p50_ms").GetDouble(), root.GetProperty("p99_ms").GetDouble(), root.GetProperty("max_ms").GetDouble(), errors);
    }
}
