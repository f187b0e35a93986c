using System.CommandLine;
using Aigis.Sim.Faults;

namespace Aigis.Sim.Cli;

/// <summary>The --fault-* flags and how they become the <see cref="FaultSettings"/> in force at start.</summary>
internal sealed class FaultFlags
{
    private static readonly FaultSettings _defaults = FaultSettings.None;

    private readonly Option<double> _errorRate = SimCommandLine.Ranged(
        "--fault-error-rate", "Share of model requests, 0 to 1, answered with --fault-error-status in OpenAI's error shape (code injected_fault); which ones is fixed by --seed, so runs replay.", _defaults.ErrorRate, 0, 1);

    private readonly Option<int> _errorStatus = SimCommandLine.Ranged(
        "--fault-error-status", "HTTP status of injected errors, 400 to 599.", _defaults.ErrorStatus, 400, 599);

    private readonly Option<int> _latencyMs = SimCommandLine.Ranged(
        "--fault-latency-ms", "Real milliseconds added before answering each model request; not divided by --time-scale, so client timeouts can be tested.", _defaults.LatencyMs, 0, FaultSettings.MaxLatencyMs);

    private readonly Option<bool> _hang = new("--fault-hang") { Description = "Accept model requests and never answer them, until the client leaves." };

    private readonly Option<int> _crashAfter = SimCommandLine.Ranged(
        "--fault-crash-after", "Exit with code 1 when the Nth model request arrives: abruptly, so that request and streams in flight are cut.", 0, 1, int.MaxValue, showDefault: false);

    private readonly Option<int> _streamCutAfter = SimCommandLine.Ranged(
        "--fault-stream-cut-after", "Close the connection of every streamed answer after N events, without a clean end (0: before the first; [DONE] counts as one).", 0, 0, int.MaxValue, showDefault: false);

    private readonly Option<bool> _malformedStream = new("--fault-malformed-stream") { Description = "Send a data line that is not JSON after the first event of every streamed answer." };

    public FaultFlags()
    {
        _errorRate.HelpName = "rate";
        _errorStatus.HelpName = "status";
        _latencyMs.HelpName = "ms";
        _crashAfter.HelpName = "n";
        _streamCutAfter.HelpName = "n";
    }

    /// <summary>Every option, to add to the root command.</summary>
    public IEnumerable<Option> All => [_errorRate, _errorStatus, _latencyMs, _hang, _crashAfter, _streamCutAfter, _malformedStream];

    public FaultSettings Bind(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var settings = new FaultSettings
        {
            ErrorRate = parse.GetValue(_errorRate),
            ErrorStatus = parse.GetValue(_errorStatus),
            LatencyMs = parse.GetValue(_latencyMs),
            Hang = parse.GetValue(_hang),
            CrashAfter = parse.GetResult(_crashAfter) is null ? null : parse.GetValue(_crashAfter),
            StreamCutAfter = parse.GetResult(_streamCutAfter) is null ? null : parse.GetValue(_streamCutAfter),
            MalformedStream = parse.GetValue(_malformedStream),
        };

        // The shared instance when nothing is set: the middleware then lets requests through untouched.
        return settings == FaultSettings.None ? FaultSettings.None : settings;
    }
}
