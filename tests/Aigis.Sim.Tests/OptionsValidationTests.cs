using Aigis.Sim.Classify;
using Aigis.Sim.Faults;
using Aigis.Sim.Http;

namespace Aigis.Sim.Tests;

public sealed class OptionsValidationTests
{
    private static readonly Dictionary<string, SimOptions> _invalid = new(StringComparer.Ordinal)
    {
        ["ErrorRate"] = new SimOptions { Faults = new FaultSettings { ErrorRate = 1.5 } },
        ["ErrorStatus"] = new SimOptions { Faults = new FaultSettings { ErrorStatus = 302 } },
        ["LatencyMs"] = new SimOptions { Faults = new FaultSettings { LatencyMs = -1 } },
        ["CrashAfter"] = new SimOptions { Faults = new FaultSettings { CrashAfter = 0 } },
        ["StreamCutAfter"] = new SimOptions { Faults = new FaultSettings { StreamCutAfter = -1 } },
        ["MaxImageBytes"] = new SimOptions { Classifier = new ClassifierOptions { MaxImageBytes = 0 } },
        ["BaseLatency"] = new SimOptions { Classifier = new ClassifierOptions { BaseLatency = TimeSpan.FromMilliseconds(-1) } },
    };

    [Theory]
    [InlineData("ErrorRate")]
    [InlineData("ErrorStatus")]
    [InlineData("LatencyMs")]
    [InlineData("CrashAfter")]
    [InlineData("StreamCutAfter")]
    [InlineData("MaxImageBytes")]
    [InlineData("BaseLatency")]
    public async Task Out_of_range_fault_and_classifier_options_are_refused_before_the_server_starts(string member)
    {
        var options = _invalid[member];

        Assert.Contains(SimOptionsValidation.Validate(options), problem => problem.Contains(member, StringComparison.Ordinal));
        await Assert.ThrowsAsync<ArgumentException>(() => SimServer.StartAsync(options, CancellationToken.None));
    }
}
