using System.Diagnostics;
using System.Text.Json;

namespace Aigis.Sim.Tests;

public sealed class ProcessTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Executable_prints_its_address_serves_and_stops_on_sigterm()
    {
        using var process = StartSimulator("--port", "0", "--time-scale", "100");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(_timeout);
            Assert.NotNull(line);
            Assert.Matches("^aigis-sim listening on http://127\\.0\\.0\\.1:[0-9]+$", line);

            using var client = new HttpClient { BaseAddress = new Uri(line["aigis-sim listening on ".Length..] + "/") };
            using var health = JsonDocument.Parse(await client.GetStringAsync(new Uri("health", UriKind.Relative)));
            Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());

            using var terminate = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await process.WaitForExitAsync().WaitAsync(_timeout);
            Assert.Equal(0, process.ExitCode);
            Assert.Equal(string.Empty, await process.StandardError.ReadToEndAsync());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    [Fact]
    public async Task Crash_after_exits_with_code_1_and_cuts_the_stream_in_flight()
    {
        using var process = StartSimulator("--port", "0", "--step-overhead-ms", "200", "--fault-crash-after", "2");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(_timeout);
            Assert.NotNull(line);
            using var client = new HttpClient { BaseAddress = new Uri(line["aigis-sim listening on ".Length..] + "/"), Timeout = _timeout };
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/chat/completions", UriKind.Relative)) { Content = new StringContent(FaultCrashTests.SlowStream) };
            using var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
            Assert.NotNull(await ServerSentEvents.ReadNextAsync(reader, TimeProvider.System.GetTimestamp()));

            await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri("v1/embeddings", UriKind.Relative), new StringContent("""{"model": "sim-llama-3-8b", "input": "hi"}""")));

            await process.WaitForExitAsync().WaitAsync(_timeout);
            Assert.Equal(1, process.ExitCode);
            Assert.True(await FaultCrashTests.IsCutAsync(reader), "the stream in flight ended cleanly");
            Assert.StartsWith("aigis-sim: crashed on purpose: crash_after reached at model request 2", await process.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static Process StartSimulator(params string[] args)
    {
        // The SDK tells child processes which dotnet runs it; a plain "dotnet" from PATH otherwise.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aigis-sim.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }
}
