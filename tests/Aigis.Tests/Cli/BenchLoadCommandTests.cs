using System.Text.Json;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Cli;

/// <summary><c>aigis bench load</c> through the real executable against a real upstream.</summary>
public sealed class BenchLoadCommandTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] s_columns = ["rps", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "errors"];

    [Fact]
    public async Task Prints_the_contract_columns_and_a_row()
    {
        await using var upstream = await TestUpstream.StartAsync("a");
        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(s_timeout,
            "bench", "load", "--url", upstream.Url.ToString(), "--rate", "50", "--duration", "1s");

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = Array.FindIndex(lines, l => l.TrimStart().StartsWith("rps ", StringComparison.Ordinal));
        Assert.Equal(s_columns, lines[header].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var row = lines[header + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(s_columns.Length, row.Length);
        Assert.Equal("0", row[^1]);
        Assert.Equal(50, upstream.Received.Count);
    }

    [Fact]
    public async Task Json_prints_one_object_with_errors_by_status_and_sends_the_model_body_and_headers()
    {
        var n = 0;
        await using var upstream = await TestUpstream.StartAsync("a", (context, _) =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref n) % 5 == 0 ? 429 : 200;
            return Task.CompletedTask;
        });
        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(s_timeout,
            "bench", "load", "--url", upstream.Url + "v1/chat/completions", "--rate", "50", "--duration", "1s", "--json",
            "--model", "chat-small", "--header", "authorization: Bearer sk-test", "--header", "x-tenant:t1");

        Assert.True(exitCode == 0, stderr);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(s_columns, root.EnumerateObject().Select(p => p.Name).Take(s_columns.Length));
        Assert.Equal(10, root.GetProperty("errors").GetInt32());
        Assert.Equal(10, root.GetProperty("errors_by_status").GetProperty("429").GetInt32());
        Assert.Equal(50, root.GetProperty("requests").GetInt32());
        var received = upstream.Received.First();
        Assert.Equal("POST", received.Method);
        Assert.Equal("Bearer sk-test", received.Headers["authorization"]);
        Assert.Equal("t1", received.Headers["x-tenant"]);
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("chat-small", body.RootElement.GetProperty("model").GetString());
    }

    [Theory]
    [InlineData("--url", "ftp://x", "--rate", "1", "--duration", "1s")]
    [InlineData("--url", "http://127.0.0.1:1/", "--rate", "0", "--duration", "1s")]
    [InlineData("--url", "http://127.0.0.1:1/", "--rate", "1", "--duration", "soon")]
    [InlineData("--url", "http://127.0.0.1:1/", "--rate", "1", "--duration", "1s", "--header", "nocolon")]
    [InlineData("--url", "http://127.0.0.1:1/", "--rate", "1", "--duration", "1s", "--body", "/nonexistent/body.json")]
    public async Task Bad_options_exit_2_with_one_clear_line(params string[] args)
    {
        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(s_timeout, ["bench", "load", .. args]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("aigis bench load: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }
}
