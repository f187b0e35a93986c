using Aigis.Core.Alerts;
using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

public sealed class TelemetryConfigTests
{
    private const string Full = """
        telemetry:
          otlp:
            endpoint: http://127.0.0.1:4317
            protocol: grpc
          sampling: 0.25
          accessLog: /var/log/aigis/access.log
          log:
            format: json
            file: ./logs/aigis.log
          metricsAuth: admin-key
        alerts:
          interval: 30s
          defaults: false
          webhooks:
            - name: ops
              url: http://127.0.0.1:9000/hook
              timeout: 2s
              retries: 5
              backoff: 500ms
          rules:
            - name: chat-errors
              expr: 'ratio(aigis.requests{status="5xx"}, aigis.requests[5m]) > 0.1'
              by: service
              for: 1m
              severity: critical
              notify: [log, ops]
              remediation: scale-up
              summary: Too many errors
            - name: slow
              expr: quantile(0.99, aigis.request.duration[5m]) > 3
        """;

    [Fact]
    public void Binds_every_key()
    {
        var result = ConfigLoader.LoadText(Full, "t.yaml");

        Assert.Empty(result.Errors);
        var telemetry = result.Config!.Telemetry;
        Assert.Equal(new Uri("http://127.0.0.1:4317"), telemetry.Otlp!.Endpoint);
        Assert.Equal(OtlpProtocol.Grpc, telemetry.Otlp.Protocol);
        Assert.Equal(0.25, telemetry.Sampling);
        Assert.Equal("/var/log/aigis/access.log", telemetry.AccessLog);
        Assert.Equal(new AppLogConfig { Format = LogFormat.Json, File = "./logs/aigis.log" }, telemetry.Log);
        Assert.Equal(MetricsAuth.AdminKey, telemetry.MetricsAuth);

        var alerts = result.Config.Alerts;
        Assert.Equal(TimeSpan.FromSeconds(30), alerts.Interval);
        Assert.False(alerts.Defaults);
        Assert.Equal(new WebhookConfig { Name = "ops", Url = new Uri("http://127.0.0.1:9000/hook"), Timeout = TimeSpan.FromSeconds(2), Retries = 5, Backoff = TimeSpan.FromMilliseconds(500) }, Assert.Single(alerts.Webhooks));
        var rule = alerts.Rules[0];
        Assert.Equal(("chat-errors", "service", TimeSpan.FromMinutes(1), AlertSeverity.Critical, AlertRemediation.ScaleUp), (rule.Name, rule.By, rule.For, rule.Severity, rule.Remediation));
        Assert.Equal(["log", "ops"], rule.Notify);
        Assert.Equal(AlertFunction.Ratio, rule.Expression.Function);
        Assert.Equal(["chat-errors", "slow"], alerts.EffectiveRules().Select(r => r.Name));
    }

    [Fact]
    public void Defaults_stdout_access_log_text_log_open_metrics_and_the_shipped_rules()
    {
        var config = ConfigLoader.LoadText("services: []", "d.yaml").Config!;

        Assert.Null(config.Telemetry.Otlp);
        Assert.Equal(TelemetryConfig.Stdout, config.Telemetry.AccessLog);
        Assert.Equal(LogFormat.Text, config.Telemetry.Log.Format);
        Assert.Equal(MetricsAuth.None, config.Telemetry.MetricsAuth);
        Assert.Equal(DefaultAlertRules.All.Select(r => r.Name), config.Alerts.EffectiveRules().Select(r => r.Name));
    }

    [Fact]
    public void Round_trips_through_the_writer()
    {
        var first = ConfigLoader.LoadText(Full, "t.yaml").Config!;

        var written = ConfigWriter.ToYaml(first);
        var second = ConfigLoader.LoadText(written, "w.yaml");

        Assert.Empty(second.Errors);
        Assert.Equal(written, ConfigWriter.ToYaml(second.Config!));
        Assert.Equal(first.Telemetry, second.Config!.Telemetry);
        Assert.Equal(first.Alerts.Webhooks, second.Config.Alerts.Webhooks);
        Assert.Equal(first.Alerts.Rules.Select(r => r.Expression.ToString()), second.Config.Alerts.Rules.Select(r => r.Expression.ToString()));
    }

    [Theory]
    [InlineData("telemetry:\n  sampling: 2", 2, 13, "telemetry.sampling must be between 0 and 1")]
    [InlineData("telemetry:\n  accesLog: off", 2, 3, "unknown key 'accesLog' in telemetry; did you mean 'accessLog'?")]
    [InlineData("telemetry:\n  otlp:\n    protocol: grpc", 3, 5, "telemetry.otlp needs an 'endpoint'")]
    [InlineData("telemetry:\n  otlp: {endpoint: ftp://x}", 2, 20, "is not an http or https URL")]
    [InlineData("telemetry:\n  log: {format: xml}", 2, 17, "telemetry.log.format: unknown value 'xml'")]
    [InlineData("telemetry:\n  metricsAuth: token", 2, 16, "telemetry.metricsAuth: unknown value 'token'")]
    [InlineData("alerts:\n  rules:\n    - {name: x, expr: 'rate(a[5m]) >'}", 3, 23, "alerts.rules[0].expr: expected a number")]
    [InlineData("alerts:\n  rules:\n    - {name: x}", 3, 7, "alerts.rules[0]: a rule needs a 'name' and an 'expr'")]
    [InlineData("alerts:\n  rules:\n    - {name: x, expr: 'rate(a[5m]) > 1', notify: [pager]}", 3, 51, "unknown target 'pager'")]
    [InlineData("alerts:\n  rules:\n    - {name: x, expr: 'rate(a[5m]) > 1', remediation: scale-up}", 3, 7, "a remediation acts on one service, so the rule needs 'by: service'")]
    [InlineData("alerts:\n  rules:\n    - {name: Bad_Name, expr: 'rate(a[5m]) > 1'}", 3, 14, "must be lower-case letters")]
    [InlineData("alerts:\n  webhooks:\n    - {name: ops, url: http://h/, retries: 50}", 3, 44, "alerts.webhooks[0].retries must be between 0 and 10")]
    [InlineData("alerts:\n  webhooks:\n    - {name: log, url: http://h/}", 3, 14, "reserved for the log target")]
    [InlineData("alerts:\n  interval: 0s", 2, 13, "alerts.interval must be between")]
    public void Rejects_bad_values_where_they_are(string yaml, int line, int column, string message)
    {
        var result = ConfigLoader.LoadText(yaml, "bad.yaml");

        Assert.False(result.IsValid);
        Assert.True(result.Errors.Any(e => e.Line == line && e.Column == column && e.Message.Contains(message, StringComparison.Ordinal)), string.Join(" | ", result.Errors));
    }
}
