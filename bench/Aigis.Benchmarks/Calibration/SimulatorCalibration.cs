using System.Globalization;
using Aigis.Sim.Engine;
using Aigis.Sim.Engine.KvCache;

namespace Aigis.Benchmarks.Calibration;

/// <summary>
/// Runs the simulator's engine in virtual time on the workloads behind the published vLLM figures it is
/// calibrated to, and prints both side by side. <c>dotnet run -c Release --project bench/Aigis.Benchmarks -- calibrate</c>
/// </summary>
internal static class SimulatorCalibration
{
    public static int Run(TextWriter output)
    {
        var options = new EngineOptions();
        output.WriteLine($"engine: {options.Cost} blocks={options.TotalBlocks}x{options.BlockSize} max_seqs={options.MaxRunningRequests} max_batched_tokens={options.MaxBatchedTokens}");
        output.WriteLine();
        output.WriteLine("| figure | published (vLLM, Llama-3-8B, H100) | simulated | ratio |");
        output.WriteLine("| --- | --- | --- | --- |");

        var itl1k = SingleRequestItl(options, 1_000);
        var itl10k = SingleRequestItl(options, 10_000);
        Row(output, "ITL at batch 1, 1k context (ms)", 6.4 + (4.4e-5 * 1_000), itl1k);
        Row(output, "ITL at batch 1, 10k context (ms)", 6.4 + (4.4e-5 * 10_000), itl10k);
        Row(output, "TTFT of a lone 10k-token prompt (ms)", 260, LoneTtft(options, 10_000));

        foreach (var (rate, publishedTpot) in new[] { (2.0, 8.0), (32.0, 14.0) })
        {
            var run = ShareGptLike(options, rate, seconds: 120, seed: 1);
            Row(output, $"ShareGPT-like at {rate} req/s: TPOT mean (ms)", publishedTpot, run.TpotMeanMs);
            output.WriteLine($"|   ... TTFT p50 / p90 (ms), published under 100 | | {run.TtftP50Ms:F1} / {run.TtftP90Ms:F1} | |");
        }

        var saturation = ShareGptLike(options, rate: 80, seconds: 60, seed: 2);
        Row(output, "Saturation throughput (req/s), offered 80 req/s", 37, saturation.CompletedPerSecond);

        var (cold, warm) = PrefixHit(options, 2_000);
        output.WriteLine($"| TTFT of a 2k-token prompt, cold / prefix hit (ms) | | {cold:F1} / {warm:F1} | {warm / cold:F2} |");
        foreach (var batch in new[] { 1, 8, 32, 64, 128, 256 })
        {
            output.WriteLine($"| decode throughput at batch {batch}, 1k context (tokens/s) | | {DecodeThroughput(options, batch):F0} | |");
        }

        return 0;
    }

    private static void Row(TextWriter output, string name, double published, double simulated) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {published:F1} | {simulated:F1} | {simulated / published:F2} |"));

    private static EngineRequest Request(long id, int prompt, int output, double at)
    {
        // Unique prompt tokens per request: no accidental prefix sharing.
        var tokens = new int[prompt];
        for (var i = 0; i < prompt; i++)
        {
            tokens[i] = (int)((id * 1_000_003) + i);
        }

        return new EngineRequest(id, prompt, PrefixHashes.Compute(tokens, 16), output, at);
    }

    private static double SingleRequestItl(EngineOptions options, int context)
    {
        var engine = new EngineCore(options);
        var request = Request(1, context, 200, 0);
        VirtualTimeRunner.Run(engine, [request]);
        return (request.FinishedMs!.Value - request.FirstTokenMs!.Value) / (request.MaxOutputTokens - 1);
    }

    private static double LoneTtft(EngineOptions options, int prompt)
    {
        var request = Request(1, prompt, 1, 0);
        VirtualTimeRunner.Run(new EngineCore(options), [request]);
        return request.FirstTokenMs!.Value;
    }

    private static (double Cold, double Warm) PrefixHit(EngineOptions options, int prompt)
    {
        var engine = new EngineCore(options);
        var tokens = Enumerable.Range(0, prompt).ToArray();
        var hashes = PrefixHashes.Compute(tokens, options.BlockSize);
        var cold = new EngineRequest(1, prompt, hashes, 1, 0);
        var warm = new EngineRequest(2, prompt, hashes, 1, 10_000);
        VirtualTimeRunner.Run(engine, [cold, warm]);
        return (cold.FirstTokenMs!.Value, warm.FirstTokenMs!.Value - warm.ArrivalMs);
    }

    /// <summary>Output tokens per second once <paramref name="batch"/> sequences of 1k-token prompts all decode together.</summary>
    private static double DecodeThroughput(EngineOptions options, int batch)
    {
        var engine = new EngineCore(options with { MaxRunningRequests = batch });
        var requests = Enumerable.Range(0, batch).Select(i => Request(i, 1_000, 1_000, 0)).ToArray();
        foreach (var request in requests)
        {
            engine.Add(request);
        }

        var now = 0.0;
        while (requests.Any(r => r.FirstTokenMs is null))
        {
            now = engine.Step(now).EndMs;
        }

        // Measure 50 steps of pure decode.
        var start = now;
        var tokens = 0;
        for (var step = 0; step < 50; step++)
        {
            var result = engine.Step(now);
            tokens += result.Events.Count;
            now = result.EndMs;
        }

        return tokens / ((now - start) / 1000);
    }

    private sealed record LoadRun(double TtftP50Ms, double TtftP90Ms, double TpotMeanMs, double CompletedPerSecond);

    /// <summary>Poisson arrivals; prompts 200 tokens on average and answers 180, as ShareGPT in vLLM's benchmark.</summary>
    private static LoadRun ShareGptLike(EngineOptions options, double rate, int seconds, int seed)
    {
        var random = new Random(seed);
        var requests = new List<EngineRequest>();
        var at = 0.0;
        while (at < seconds * 1000.0)
        {
            at += -Math.Log(1 - random.NextDouble()) / rate * 1000;
            var prompt = random.Next(50, 351);
            var output = random.Next(30, 331);
            requests.Add(Request(requests.Count, prompt, output, at));
        }

        var engine = new EngineCore(options);
        var end = VirtualTimeRunner.Run(engine, requests);
        var ttfts = requests.Select(r => r.FirstTokenMs!.Value - r.ArrivalMs).Order().ToArray();
        var tpot = requests.Where(r => r.MaxOutputTokens > 1).Average(r => (r.FinishedMs!.Value - r.FirstTokenMs!.Value) / (r.MaxOutputTokens - 1));
        return new LoadRun(ttfts[ttfts.Length / 2], ttfts[(int)(ttfts.Length * 0.9)], tpot, requests.Count / (end / 1000));
    }
}
