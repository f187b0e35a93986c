using System.Globalization;
using System.Text;
using System.Text.Json;
using Aigis.Cli;
using Aigis.Core.Configuration;

namespace Aigis.Bench.Load;

/// <summary>
/// <c>aigis bench load</c>: checks the options, builds a <see cref="LoadPlan"/>, runs it open-loop and prints the
/// figures as a table or, with <c>--json</c>, one JSON object.
/// </summary>
internal static class LoadBench
{
    private const string Command = "aigis bench load";
    private const int MaxRequests = 10_000_000;

    public static async Task<int> RunAsync(LoadBenchArguments arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var (plan, problem) = Plan(arguments);
        if (plan is null)
        {
            error.WriteLine($"{Command}: {problem}");
            return ExitCodes.BadInput;
        }

        // In --json mode stdout carries only the result; what the run was goes to stderr.
        var info = arguments.Json ? error : output;
        info.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {plan.RequestCount} requests to {plan.Url} at {plan.Rate:0.##}/s over {DurationParser.Format(plan.Duration)} (open loop, latency from each request's due time)"));
        using var client = OpenLoopLoad.CreateClient();
        var result = await new OpenLoopLoad(plan, client).RunAsync(cancellationToken);
        var line = LoadResultLine.From(result);
        if (arguments.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(line, LoadJsonContext.Default.LoadResultLine));
            return ExitCodes.Success;
        }

        output.WriteLine($"{"rps",10} {"p50_ms",10} {"p90_ms",10} {"p99_ms",10} {"p999_ms",10} {"errors",8}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{line.Rps,10:0.00} {line.P50Ms,10:0.00} {line.P90Ms,10:0.00} {line.P99Ms,10:0.00} {line.P999Ms,10:0.00} {line.Errors,8}"));
        if (line.ErrorsByStatus.Count > 0)
        {
            output.WriteLine("errors by status: " + string.Join(' ', line.ErrorsByStatus.Select(p => $"{p.Key}={p.Value}")));
        }

        return ExitCodes.Success;
    }

    private static (LoadPlan? Plan, string? Problem) Plan(LoadBenchArguments arguments)
    {
        if (!Uri.TryCreate(arguments.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return (null, $"--url: '{arguments.Url}' is not an http(s) URL");
        }

        if (!double.IsFinite(arguments.Rate) || arguments.Rate <= 0 || arguments.Rate > 1_000_000)
        {
            return (null, "--rate: give requests per second, more than 0 and at most 1000000");
        }

        if (!DurationParser.TryParse(arguments.Duration, out var duration, out var durationProblem))
        {
            return (null, $"--duration: {durationProblem}");
        }

        if (!DurationParser.TryParse(arguments.Timeout, out var timeout, out var timeoutProblem) || timeout <= TimeSpan.Zero)
        {
            return (null, $"--timeout: {timeoutProblem ?? "must be more than 0s"}");
        }

        var count = arguments.Rate * duration.TotalSeconds;
        if (count < 1 || count > MaxRequests)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"--rate times --duration is {count:0.##} requests; it must be between 1 and {MaxRequests}"));
        }

        if (arguments.ConcurrencyCap is < 1 or > 100_000)
        {
            return (null, "--concurrency-cap: between 1 and 100000");
        }

        if (arguments.BodyFile is not null && arguments.Model is not null)
        {
            return (null, "give --body FILE or --model M, not both");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in arguments.Headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || header[..colon].Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || header.Any(char.IsControl))
            {
                return (null, $"--header: '{header}' is not NAME:VALUE");
            }

            headers.Add(new(header[..colon], header[(colon + 1)..].Trim()));
        }

        ReadOnlyMemory<byte> body = default;
        if (arguments.BodyFile is { } file)
        {
            try
            {
                body = File.ReadAllBytes(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (null, $"--body: cannot read '{file}': {e.Message}");
            }
        }
        else if (arguments.Model is { } model)
        {
            body = ChatBody(model, arguments.Stream);
        }

        return (new LoadPlan
        {
            Url = url,
            Rate = arguments.Rate,
            Duration = duration,
            Body = body,
            Headers = headers,
            Stream = arguments.Stream,
            ConcurrencyCap = arguments.ConcurrencyCap,
            RequestTimeout = timeout,
        }, null);
    }

    /// <summary>A small chat completion for <paramref name="model"/>: enough to exercise a model service, short enough to measure the gateway.</summary>
    public static byte[] ChatBody(string model, bool stream) => Encoding.UTF8.GetBytes(
        $$"""{"model":{{JsonSerializer.Serialize(model, LoadJsonContext.Default.String)}},"messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":16{{(stream ? ",\"stream\":true" : "")}}}""");
}
