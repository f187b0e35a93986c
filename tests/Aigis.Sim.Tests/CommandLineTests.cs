using Aigis.Sim.Engine;
using Aigis.Sim.Cli;
using Aigis.Sim.Faults;

namespace Aigis.Sim.Tests;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData(new string[0], "--port")]
    [InlineData(new[] { "--port", "abc" }, "--port expects a number")]
    [InlineData(new[] { "--port", "0", "--time-scale", "0" }, "--time-scale must be between")]
    [InlineData(new[] { "--port", "0", "--profile", "chat" }, "--profile must be llm, embed or classifier")]
    [InlineData(new[] { "--port", "0", "--max-image-size", "lots" }, "--max-image-size expects a size")]
    [InlineData(new[] { "--port", "0", "--max-image-size", "0" }, "--max-image-size must be between")]
    [InlineData(new[] { "--port", "0", "--fault-error-rate", "1.5" }, "--fault-error-rate must be between 0 and 1")]
    [InlineData(new[] { "--port", "0", "--fault-error-status", "200" }, "--fault-error-status must be between 400 and 599")]
    [InlineData(new[] { "--port", "0", "--fault-crash-after", "0" }, "--fault-crash-after must be between")]
    [InlineData(new[] { "--port", "0", "--host", "localhost.example" }, "not an IP address")]
    [InlineData(new[] { "--port", "0", "--frobnicate" }, "--frobnicate")]
    public async Task Bad_flags_exit_with_2_and_one_line(string[] args, string expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await SimProgram.RunAsync(args, output, error);

        Assert.Equal(SimProgram.UsageErrorExitCode, exitCode);
        Assert.Equal(string.Empty, output.ToString());
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("aigis-sim: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_become_options()
    {
        var commandLine = new SimCommandLine();

        var options = commandLine.Bind(commandLine.Root.Parse(
            "--port 8100 --host 127.0.0.2 --profile embed --model a --model b --seed 9 --time-scale 10 " +
            "--step-overhead-ms 5 --prefill-ms-per-token 0.5 --decode-ms-per-seq 0.1 --attention-ms-per-token 0.001 " +
            "--kv-blocks 1000 --block-size 32 --max-num-seqs 8 --max-num-batched-tokens 512 --max-tokens-default 64 --embedding-dim 32"));

        Assert.Equal(8100, options.Port);
        Assert.Equal("127.0.0.2", options.Host);
        Assert.Equal(SimProfile.Embed, options.Profile);
        Assert.Equal(["a", "b"], options.Models);
        Assert.Equal(9, options.Seed);
        Assert.Equal(10, options.TimeScale);
        Assert.Equal(new StepCostModel { StepOverheadMs = 5, PrefillMsPerToken = 0.5, DecodeMsPerSequence = 0.1, AttentionMsPerContextToken = 0.001 }, options.Engine.Cost);
        Assert.Equal(1000, options.Engine.TotalBlocks);
        Assert.Equal(32, options.Engine.BlockSize);
        Assert.Equal(8, options.Engine.MaxRunningRequests);
        Assert.Equal(512, options.Engine.MaxBatchedTokens);
        Assert.Equal(64, options.MaxTokensDefault);
        Assert.Equal(32, options.EmbeddingDimensions);
    }

    [Fact]
    public void Classifier_flags_become_options()
    {
        var commandLine = new SimCommandLine();

        var options = commandLine.Bind(commandLine.Root.Parse("--port 0 --profile classifier --classify-base-ms 20 --classify-ms-per-mib 2.5 --max-image-size 5MiB"));

        Assert.Equal(SimProfile.Classifier, options.Profile);
        Assert.Equal(["sim-vision"], options.ServedModelNames);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.Classifier.BaseLatency);
        Assert.Equal(TimeSpan.FromMilliseconds(2.5), options.Classifier.LatencyPerMiB);
        Assert.Equal(5L << 20, options.Classifier.MaxImageBytes);
    }

    [Fact]
    public void Fault_flags_become_the_faults_in_force_at_start()
    {
        var commandLine = new SimCommandLine();

        var options = commandLine.Bind(commandLine.Root.Parse(
            "--port 0 --fault-error-rate 0.25 --fault-error-status 503 --fault-latency-ms 150 --fault-hang " +
            "--fault-crash-after 10 --fault-stream-cut-after 0 --fault-malformed-stream"));

        var expected = new FaultSettings
        {
            ErrorRate = 0.25, ErrorStatus = 503, LatencyMs = 150, Hang = true, CrashAfter = 10, StreamCutAfter = 0, MalformedStream = true,
        };
        Assert.Equal(expected, options.Faults);
    }

    [Fact]
    public void Defaults_match_the_options_record()
    {
        var commandLine = new SimCommandLine();

        var options = commandLine.Bind(commandLine.Root.Parse("--port 0"));

        Assert.Equal(new SimOptions().Engine, options.Engine);
        Assert.Equal(new SimOptions().Classifier, options.Classifier);
        Assert.Same(FaultSettings.None, options.Faults);
        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(SimProfile.Llm, options.Profile);
        Assert.Equal(["sim-llama-3-8b"], options.ServedModelNames);
        Assert.Equal(1, options.TimeScale);
        Assert.Empty(SimOptionsValidation.Validate(options));
    }
}
