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
