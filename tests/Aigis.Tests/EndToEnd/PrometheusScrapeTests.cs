using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Aigis.Tests.Infrastructure;
using Aigis.Tests.Telemetry;

namespace Aigis.Tests.EndToEnd;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c>, installed by .ci/run) scrapes a real <c>aigis up</c> on loopback;
/// the series and values the gateway counted arrive, asked for through Prometheus's query API.
/// </summary>
public sealed class PrometheusScrapeTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Prometheus_scrapes_the_admin_metrics_and_sees_the_traffic()
    {
        var prometheusPath = FindOnPath("prometheus");
        Assert.True(prometheusPath is not null, "the prometheus binary is needed (apt-get install prometheus; .ci/run installs it)");
        await using var upstream = await OpenAiUpstream.StartAsync("pe");
        var directory = Directory.CreateTempSubdirectory("aigis-prom-").FullName;
        Process? prometheus = null;
        try
        {
            var config = Path.Combine(directory, "aigis.yaml");
            var appLog = Path.Combine(directory, "aigis.log");
            await File.WriteAllTextAsync(config, $"""
                gateway:
                  listen: http://127.0.0.1:0
                  admin: http://127.0.0.1:0
                  auth: disabled
                services:
                  - name: pe-chat
                    kind: llm
                    models: [pe-model]
                    instances:
                      - url: {upstream.Url}
                  - name: pe-down
                    kind: llm
                    models: [pe-down-model]
                    instances:
                      - url: http://127.0.0.1:{FreePort()}
                store:
                  path: "{Path.Combine(directory, "aigis.db")}"
                telemetry:
                  accessLog: stdout
                  log:
                    format: json
                    file: {appLog}
                """);
            await using var aigis = AigisProcess.Start((IReadOnlyDictionary<string, string>?)null, directory, "up", "--config", config);
            var adminLine = await aigis.WaitForLineAsync("aigis admin listening on ", s_deadline);
            var publicLine = await aigis.WaitForLineAsync($"aigis {Aigis.Cli.AigisCli.Version} gateway listening on ", s_deadline);
            var admin = new Uri(adminLine["aigis admin listening on ".Length..].Trim());
            var gateway = new Uri(publicLine[(publicLine.LastIndexOf(' ') + 1)..].Trim());

            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            for (var i = 0; i < 5; i++)
            {
                (await client.PostAsync(new Uri(gateway, "/v1/chat/completions"), Json.Body("""{"model":"pe-model"}"""))).EnsureSuccessStatusCode();
            }

            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync(new Uri(gateway, "/v1/chat/completions"), Json.Body("""{"model":"absent"}"""))).StatusCode);
            }

            // A failed forward: counted, and logged (a warning) in the application log.
            Assert.Equal(HttpStatusCode.BadGateway, (await client.PostAsync(new Uri(gateway, "/v1/chat/completions"), Json.Body("""{"model":"pe-down-model"}"""))).StatusCode);

            await Eventually.TrueAsync(async () => PrometheusSamples.Parse(await client.GetStringAsync(new Uri(admin, "/metrics"))).Sum("aigis_requests_total") >= 8,
                s_deadline, () => "aigis counted 8 requests");

            var port = FreePort();
            await File.WriteAllTextAsync(Path.Combine(directory, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: aigis
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['{admin.Authority}']
                """);
            prometheus = StartPrometheus(prometheusPath!, directory, port);
            var api = new Uri($"http://127.0.0.1:{port}/api/v1/query");

            // The first scrape lands a few seconds after start whatever the interval (RUNBOOK): poll, bounded.
            double? served = null;
            await Eventually.TrueAsync(async () =>
            {
                served = await QueryAsync(client, api, """sum(aigis_requests_total{job="aigis",service="pe-chat",model="pe-model",outcome="served",status="2xx"})""");
                return served == 5;
            }, s_deadline, () => $"Prometheus has 5 served requests (has {served}); prometheus stderr: {PrometheusErrors(prometheus)}");

            Assert.Equal(1, await QueryAsync(client, api, """up{job="aigis"}"""));
            Assert.Equal(2, await QueryAsync(client, api, """sum(aigis_requests_total{outcome="route",status="4xx"})"""));
            Assert.Equal(5 * OpenAiUpstream.CompletionTokens, await QueryAsync(client, api, """sum(gen_ai_client_token_usage_sum{gen_ai_token_type="output",gen_ai_request_model="pe-model"})"""));
            Assert.Equal(5, await QueryAsync(client, api, """sum(aigis_upstream_latency_seconds_count{service="pe-chat"})"""));
            Assert.Equal(1, await QueryAsync(client, api, """aigis_service_healthy_instances{service="pe-chat"}"""));
            Assert.Equal(1, await QueryAsync(client, api, """sum(aigis_requests_total{service="pe-down",outcome="forward",status="5xx"})"""));
            Assert.Equal(8, await QueryAsync(client, api, """sum(aigis_request_duration_seconds_count)"""));

            // The same run's logs: one JSON access line per request on stdout, and the application log as JSON lines in its file.
            var accessLines = aigis.Stdout.Split('\n').Where(l => l.StartsWith("{\"ts\"", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(8, accessLines.Length);
            Assert.Equal(5, accessLines.Count(l => l.GetProperty("outcome").GetString() == "served"));
            await Eventually.TrueAsync(() => File.Exists(appLog) && File.ReadAllText(appLog).Contains("pe-down", StringComparison.Ordinal), s_deadline, () => "the application log file has the forward failure");
            var warning = File.ReadAllLines(appLog).Select(l => JsonDocument.Parse(l).RootElement).First(l => l.GetProperty("category").GetString() == "Aigis.Proxy.UpstreamForwarder");
            Assert.Equal(("Warning", "pe-down"), (warning.GetProperty("level").GetString(), warning.GetProperty("Service").GetString()));
            Assert.Contains(aigis.Stdout.Split('\n'), l => l.StartsWith('{') && l.Contains("\"Category\":\"Aigis.Proxy.UpstreamForwarder\"", StringComparison.Ordinal));
        }
        finally
        {
            if (prometheus is not null)
            {
                if (!prometheus.HasExited)
                {
                    prometheus.Kill(entireProcessTree: true);
                    await prometheus.WaitForExitAsync().WaitAsync(s_deadline);
                }

                prometheus.Dispose();
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<double?> QueryAsync(HttpClient client, Uri api, string query)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(new Uri($"{api}?query={Uri.EscapeDataString(query)}"));
        }
        catch (HttpRequestException)
        {
            // Prometheus is still starting.
            return null;
        }

        using var _ = response;
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var result = (await Json.ReadAsync(response)).GetProperty("data").GetProperty("result");
        if (result.GetArrayLength() == 0)
        {
            return null;
        }

        return double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    private static Process StartPrometheus(string path, string directory, int port)
    {
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        info.ArgumentList.Add($"--config.file={Path.Combine(directory, "prometheus.yml")}");
        info.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "tsdb")}");
        info.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        var process = new Process { StartInfo = info };
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        s_errors.AddOrUpdate(process, errors);
        return process;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, System.Text.StringBuilder> s_errors = [];

    private static string PrometheusErrors(Process? process)
    {
        if (process is null || !s_errors.TryGetValue(process, out var errors))
        {
            return "";
        }

        lock (errors)
        {
            var text = errors.ToString();
            return text.Length > 2000 ? text[^2000..] : text;
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
