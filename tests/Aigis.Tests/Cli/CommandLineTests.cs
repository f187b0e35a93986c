using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Cli;

/// <summary>The real executable, as a user runs it.</summary>
public sealed partial class CommandLineTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Validate_prints_every_problem_located_and_exits_2()
    {
        var path = WriteTemp("""
            gateway:
              maxBodySze: 1MiB
            services:
              - name: chat
                balancer: nope
            """);

        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(s_timeout, "validate", path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{path}:2:3: unknown key 'maxBodySze' in gateway; did you mean 'maxBodySize'?", stderr, StringComparison.Ordinal);
        Assert.Contains($"{path}:5:15: services[chat].balancer: unknown value 'nope'", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_accepts_a_valid_file_with_exit_0()
    {
        var path = WriteTemp("services: [{name: chat, kind: llm, models: [m], instances: [\"http://127.0.0.1:9\"]}]");

        var (exitCode, stdout, _) = await AigisProcess.RunAsync(s_timeout, "validate", path);

        Assert.Equal(0, exitCode);
        Assert.Contains("valid (1 service", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_of_a_missing_file_is_a_one_line_error()
    {
        var (exitCode, _, stderr) = await AigisProcess.RunAsync(s_timeout, "validate", "/nonexistent/aigis.yaml");

        Assert.Equal(2, exitCode);
        Assert.StartsWith("/nonexistent/aigis.yaml:1:1: cannot read the config file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_refuses_an_invalid_config_without_a_stack_trace()
    {
        var path = WriteTemp("services: [{name: Bad_Name}]");

        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(s_timeout, "up", "--config", path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{path}:1:19: services[0].name: 'Bad_Name' is not a valid service name", stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was started", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_usage_exits_2()
    {
        var (exitCode, _, stderr) = await AigisProcess.RunAsync(s_timeout, "up", "--no-such-flag");

        Assert.Equal(2, exitCode);
        Assert.Contains("--no-such-flag", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help", "up")]
    [InlineData("up --help", "--config")]
    [InlineData("validate --help", "FILE")]
    public async Task Every_verb_has_help(string args, string expected)
    {
        var (exitCode, stdout, _) = await AigisProcess.RunAsync(s_timeout, args.Split(' '));

        Assert.Equal(0, exitCode);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_version()
    {
        var (exitCode, stdout, _) = await AigisProcess.RunAsync(s_timeout, "--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout.Trim());
    }

    [Fact]
    public async Task Up_serves_then_stops_cleanly_on_sigterm()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        var path = WriteTemp($"gateway: {{auth: disabled}}\nservices: [{{name: chat, kind: llm, models: [m], instances: [\"{upstream.Url}\"]}}]");
        var (listen, admin) = (FreePort(), FreePort());

        await using var aigis = AigisProcess.Start("up", "--config", path, "--listen", $"http://127.0.0.1:{listen}", "--admin", $"http://127.0.0.1:{admin}");
        await aigis.WaitForLineAsync("aigis admin listening on", s_timeout);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}") };
        var response = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        aigis.Terminate();
        var exitCode = await aigis.WaitForExitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, exitCode);
        Assert.Contains("shutting down", aigis.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_without_a_config_runs_the_embedded_demo_and_stops_its_simulators()
    {
        var workingDirectory = Directory.CreateTempSubdirectory("aigis-demo-").FullName;
        var (listen, admin) = (FreePort(), FreePort());

        await using var aigis = AigisProcess.Start(environment: null, workingDirectory: workingDirectory, "up", "--listen", $"http://127.0.0.1:{listen}", "--admin", $"http://127.0.0.1:{admin}");
        await aigis.WaitForLineAsync("aigis admin listening on", s_timeout);
        var demoKey = (await aigis.WaitForLineAsync("demo key: ", s_timeout))["demo key: ".Length..];
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}") };
        var anonymous = await client.GetAsync("/v1/models");
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", demoKey);
        var models = await Json.ReadAsync(await client.GetAsync("/v1/models"));
        var chat = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"sim-llama-3-8b","max_tokens":4,"messages":[{"role":"user","content":"hi"}]}"""));
        var embedding = await client.PostAsync("/v1/embeddings", Json.Body("""{"model":"sim-embed","input":"hi"}"""));
        var vision = await client.PostAsync("/svc/vision/v1/classify", Json.Body("""{"model":"sim-vision","image":"aGVsbG8gd29ybGQ="}"""));
        var replicas = StartedReplicas(aigis.Stdout);
        var demoConfig = File.ReadAllText(Path.Combine(workingDirectory, ".aigis", "demo.yaml"));
        aigis.Terminate();
        var exitCode = await aigis.WaitForExitAsync(s_timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(["sim-embed", "sim-llama-3-8b"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(HttpStatusCode.OK, embedding.StatusCode);
        Assert.Equal(HttpStatusCode.OK, vision.StatusCode);
        Assert.Equal(0, exitCode);
        Assert.Contains("runtime: process", demoConfig, StringComparison.Ordinal);
        Assert.True(
            replicas.Select(r => r.Name).SequenceEqual(["chat-0", "chat-1", "chat-2", "embed-0", "embed-1", "vision-0", "vision-1"]),
            "not every replica was healthy at start:\n" + string.Join('\n', aigis.Stdout.Split('\n').Where(l => l.StartsWith("replica ", StringComparison.Ordinal))));

        // The simulators are gone with aigis: no process left, nothing listens on their ports any more.
        await OsProcess.AllGoneAsync(replicas.Select(r => r.Pid).ToArray(), replicas.Select(r => r.Port).ToArray(), TimeSpan.FromSeconds(5));

        // The keys were printed once, with a curl line that uses the demo key.
        Assert.Single(aigis.Stdout.Split('\n'), l => l.StartsWith("admin key: aigis_", StringComparison.Ordinal));
        Assert.Contains($"try: curl -s http://127.0.0.1:{listen}/v1/chat/completions -H 'authorization: Bearer {demoKey}'", aigis.Stdout, StringComparison.Ordinal);

        // A second start on the same store prints neither key, says how to make another, and the demo key still works.
        await using var again = AigisProcess.Start(environment: null, workingDirectory: workingDirectory, "up", "--listen", $"http://127.0.0.1:{listen}", "--admin", $"http://127.0.0.1:{admin}");
        await again.WaitForLineAsync("aigis admin listening on", s_timeout);
        var exists = await again.WaitForLineAsync("demo key exists: ", s_timeout);
        var secondModels = await client.GetAsync("/v1/models");
        again.Terminate();
        Assert.Equal(0, await again.WaitForExitAsync(s_timeout));

        Assert.Contains($"id {demoKey[6..14]}", exists, StringComparison.Ordinal);
        Assert.Contains("aigis keys create --name demo --tenant demo", again.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("admin key:", again.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("demo key: ", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, secondModels.StatusCode);
    }

    [Fact]
    public async Task Up_prints_the_admin_key_once_on_a_fresh_store_and_never_on_later_starts()
    {
        var path = WriteTemp("services: []");

        var (first, _) = await RunUntilListeningAsync(path, key: null);
        var adminLines = first.Split('\n').Where(l => l.StartsWith("admin key: ", StringComparison.Ordinal)).ToArray();
        var key = Assert.Single(adminLines)["admin key: ".Length..];
        var (second, adminStatus) = await RunUntilListeningAsync(path, key);

        Assert.Matches("^aigis_[0-9A-Za-z]{8}_[0-9A-Za-z]{43}$", key);
        Assert.Equal(1, CountOf(first, key));
        Assert.DoesNotContain("admin key", second, StringComparison.Ordinal);

        // The key printed by the first run still opens the admin API on the second: it was kept, as a hash.
        Assert.Equal(HttpStatusCode.OK, adminStatus);
        Assert.DoesNotContain(key[15..], File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "aigis.db"), System.Text.Encoding.Latin1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_on_an_unusable_store_path_says_so_and_exits_1()
    {
        var directory = Directory.CreateTempSubdirectory("aigis-cli-").FullName;
        File.WriteAllText(Path.Combine(directory, "file"), "");
        var path = WriteTemp($"store: {{path: \"{Path.Combine(directory, "file", "aigis.db")}\"}}\nservices: []");

        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(s_timeout, "up", "--config", path, "--listen", $"http://127.0.0.1:{FreePort()}", "--admin", $"http://127.0.0.1:{FreePort()}");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("aigis up: cannot open the store", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>aigis up</c> until it listens, calls the admin API with <paramref name="key"/> if given, stops it; returns its stdout.</summary>
    private static async Task<(string Stdout, HttpStatusCode? AdminStatus)> RunUntilListeningAsync(string configPath, string? key)
    {
        var admin = FreePort();
        await using var aigis = AigisProcess.Start("up", "--config", configPath, "--listen", $"http://127.0.0.1:{FreePort()}", "--admin", $"http://127.0.0.1:{admin}");
        await aigis.WaitForLineAsync("aigis admin listening on", s_timeout);
        HttpStatusCode? status = null;
        if (key is not null)
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{admin}") };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            status = (await client.GetAsync("/admin/v1/keys")).StatusCode;
        }

        aigis.Terminate();
        var exitCode = await aigis.WaitForExitAsync(s_timeout);
        Assert.True(exitCode == 0, $"exit {exitCode}\n{aigis.Stdout}\n{aigis.Stderr}");
        Assert.Equal("", aigis.Stderr);
        return (aigis.Stdout, status);
    }

    private static int CountOf(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;

    [Fact]
    public async Task Sigkill_of_aigis_leaves_no_replica_running()
    {
        var (aigis, replicas) = await StartWithReplicasAsync();
        await using (aigis)
        {
            OsProcess.Kill(aigis.Id);
            await aigis.WaitForExitAsync(s_timeout);

            // aigis ran no code: its replicas' supervisors saw their pipe close and stopped them.
            await OsProcess.AllGoneAsync(replicas.Select(r => r.Pid).ToArray(), replicas.Select(r => r.Port).ToArray(), TimeSpan.FromSeconds(15));
        }
    }

    [Fact]
    public async Task Sigterm_of_aigis_stops_every_replica_before_it_exits()
    {
        var (aigis, replicas) = await StartWithReplicasAsync();
        await using (aigis)
        {
            aigis.Terminate();
            var exitCode = await aigis.WaitForExitAsync(s_timeout);

            Assert.Equal(0, exitCode);
            Assert.All(replicas, r => Assert.False(OsProcess.IsAlive(r.Pid), $"{r.Name} (pid {r.Pid}) still runs"));
            await OsProcess.AllGoneAsync([], replicas.Select(r => r.Port).ToArray(), TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task Sigterm_while_the_demo_replicas_start_stops_cleanly_with_exit_0()
    {
        var workingDirectory = Directory.CreateTempSubdirectory("aigis-early-term-").FullName;
        var (listen, admin) = (FreePort(), FreePort());

        await using var aigis = AigisProcess.Start(environment: null, workingDirectory: workingDirectory, "up", "--listen", $"http://127.0.0.1:{listen}", "--admin", $"http://127.0.0.1:{admin}");
        await aigis.WaitForLineAsync("demo:", s_timeout);
        aigis.Terminate();
        var exitCode = await aigis.WaitForExitAsync(s_timeout);

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("   at ", aigis.Stdout + aigis.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_on_a_taken_port_says_so_and_exits_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var path = WriteTemp("services: []");

        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(s_timeout, "up", "--config", path, "--listen", $"http://127.0.0.1:{port}", "--admin", $"http://127.0.0.1:{FreePort()}");

        Assert.Equal(1, exitCode);
        Assert.Contains("cannot listen", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_flag_is_validated_like_the_file()
    {
        var path = WriteTemp("services: []");

        var (exitCode, _, stderr) = await AigisProcess.RunAsync(s_timeout, "up", "--config", path, "--listen", "http://example.com:80/x");

        Assert.Equal(2, exitCode);
        Assert.Contains("--listen:1:1: gateway.listen:", stderr, StringComparison.Ordinal);
    }

    private static async Task<(AigisProcess Aigis, IReadOnlyList<StartedReplica> Replicas)> StartWithReplicasAsync()
    {
        var path = WriteTemp("""
            services:
              - name: chat
                kind: llm
                models: [sim-llama-3-8b]
                runtime: process
                process:
                  command: aigis-sim
                  args: [--port, "{port}", --seed, "{replica}"]
                  replicas: 2
            """);
        var aigis = AigisProcess.Start("up", "--config", path, "--listen", $"http://127.0.0.1:{FreePort()}", "--admin", $"http://127.0.0.1:{FreePort()}");
        await aigis.WaitForLineAsync("aigis admin listening on", s_timeout);
        var replicas = StartedReplicas(aigis.Stdout);
        Assert.Equal(2, replicas.Count);
        Assert.All(replicas, r => Assert.True(OsProcess.IsAlive(r.Pid)));
        return (aigis, replicas);
    }

    /// <summary>The replicas <c>aigis up</c> reports at start: <c>replica chat-0 healthy at http://127.0.0.1:PORT/ (pid N)</c>.</summary>
    private static List<StartedReplica> StartedReplicas(string stdout) =>
        ReplicaLine().Matches(stdout)
            .Select(m => new StartedReplica(m.Groups["name"].Value, int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture)))
            .ToList();

    [GeneratedRegex(@"^replica (?<name>\S+) healthy at http://127\.0\.0\.1:(?<port>\d+)/ \(pid (?<pid>\d+)\)$", RegexOptions.Multiline)]
    private static partial Regex ReplicaLine();

    private sealed record StartedReplica(string Name, int Port, int Pid);

    /// <summary>Writes a config into a new temporary directory, with the store beside it unless the YAML names one.</summary>
    internal static string WriteTemp(string yaml)
    {
        var directory = Directory.CreateTempSubdirectory("aigis-cli-").FullName;
        var path = Path.Combine(directory, "aigis.yaml");
        var store = yaml.Contains("store:", StringComparison.Ordinal) ? "" : $"\nstore: {{path: \"{Path.Combine(directory, "aigis.db")}\"}}\n";
        File.WriteAllText(path, yaml + store);
        return path;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
