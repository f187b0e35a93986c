using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Aigis.Tests.Gateway;

/// <summary>A reload never keeps an edit silently: what cannot apply live is named, key by key, as needing a restart.</summary>
public sealed class ReloadRestartKeysTests
{
    [Fact]
    public async Task Jwt_telemetry_and_alerts_edits_are_logged_by_key_as_needing_a_restart()
    {
        await using var upstream = await TestUpstream.StartAsync("llm");
        var secretFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(secretFile, new string('s', 48));
        var logs = new CapturingLoggerProvider();
        var services = $"  - {{name: chat, kind: llm, models: [m], instances: [\"{upstream.Url}\"]}}";
        await using var gateway = await GatewayUnderTest.StartAsync(services, new AigisHostOptions { LoggerFactory = LoggerFactory.Create(b => b.AddProvider(logs)) });

        var quiet = await gateway.RewriteConfigAsync(services + "\n  - {name: other, kind: http, instances: [\"http://127.0.0.1:9\"]}");
        var edited = await gateway.RewriteConfigAsync(services,
            $"  auth: disabled\njwt:\n  issuer: https://idp.example\n  audience: aigis\n  secretFile: \"{secretFile}\"\ntelemetry:\n  accessLog: off\n  metricsAuth: admin-key\nalerts:\n  interval: 30s");
        File.Delete(secretFile);

        Assert.True(quiet.Applied, string.Join("\n", quiet.Errors));
        Assert.Empty(quiet.NeedsRestart);
        Assert.True(edited.Applied, string.Join("\n", edited.Errors));
        Assert.Equal(["jwt", "telemetry.accessLog", "alerts"], edited.NeedsRestart);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("jwt, telemetry.accessLog, alerts changed", StringComparison.Ordinal)
            && e.Message.Contains("restart aigis", StringComparison.Ordinal));

        // metricsAuth is read per scrape: applied at once.
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await gateway.Admin.GetAsync("/metrics")).StatusCode);
    }
}
