using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Aigis.Alerts;
using Aigis.Core.Configuration;
using Aigis.Store;
using Aigis.Tests.Infrastructure;
using Aigis.Tests.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Alerts;

/// <summary>
/// An alert's life with injected time, pending → firing after <c>for</c> → resolved, delivered to real webhook
/// receivers exactly once per event (a failing one retried until it takes it), and kept in the store's history.
/// </summary>
public sealed class AlertLifecycleTests
{
    [Fact]
    public async Task Pending_then_firing_after_for_then_resolved_each_delivered_once_and_a_failing_webhook_retried()
    {
        var failuresLeft = 2;
        await using var steady = await TestUpstream.StartAsync("steady", (c, _) => { c.Response.StatusCode = 204; return Task.CompletedTask; });
        await using var flaky = await TestUpstream.StartAsync("flaky", (c, _) =>
        {
            c.Response.StatusCode = Interlocked.Decrement(ref failuresLeft) >= 0 ? 500 : 200;
            return Task.CompletedTask;
        });
        var directory = Directory.CreateTempSubdirectory("aigis-alerts-").FullName;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var instrument = $"aigis.test.failures.{Guid.NewGuid():N}";
        using var meter = new Meter("Aigis.Tests.Alerts");
        var failures = meter.CreateCounter<long>(instrument);
        var rule = Rule($"rate({instrument}[1m]) > 1", TimeSpan.FromSeconds(30), ["log", "steady", "flaky"]);
        var store = new SqliteStore(Path.Combine(directory, "aigis.db"));
        await store.MigrateAsync(SqliteMigrations.All, time, CancellationToken.None);
        using var measurements = new AlertMeasurements([rule], time, _ => true);
        var notifier = new AlertNotifier(
            [Webhook("steady", steady.Url), Webhook("flaky", flaky.Url)], store, null, TimeProvider.System, NullLogger.Instance);
        await notifier.StartAsync(CancellationToken.None);
        await using var evaluator = new AlertEvaluator(new AlertsConfig(), measurements, notifier, meter, time, NullLogger.Instance);
        try
        {
            failures.Add(120, new KeyValuePair<string, object?>("service", "chat"));
            failures.Add(1, new KeyValuePair<string, object?>("service", "quiet"));

            await evaluator.EvaluateAsync(CancellationToken.None);
            var pending = Assert.Single(evaluator.Active);
            Assert.Equal(("pending", "chat", 2.0), (pending.State, pending.Group, pending.Value));

            time.Advance(TimeSpan.FromSeconds(20));
            await evaluator.EvaluateAsync(CancellationToken.None);
            Assert.Equal("pending", Assert.Single(evaluator.Active).State);

            time.Advance(TimeSpan.FromSeconds(15));
            await evaluator.EvaluateAsync(CancellationToken.None);
            Assert.Equal("firing", Assert.Single(evaluator.Active).State);
            await evaluator.EvaluateAsync(CancellationToken.None);

            // The minute passes with no new failures: the rate falls to 0.
            time.Advance(TimeSpan.FromSeconds(60));
            await evaluator.EvaluateAsync(CancellationToken.None);
            Assert.Empty(evaluator.Active);
            await evaluator.EvaluateAsync(CancellationToken.None);
            await notifier.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(["firing", "resolved"], Delivered(steady));
            Assert.Equal(4, flaky.Received.Count);
            Assert.Equal(["firing", "firing", "firing", "resolved"], Delivered(flaky));

            var firing = JsonDocument.Parse(steady.Received.First().Body).RootElement;
            Assert.Equal("lifecycle", firing.GetProperty("alert").GetString());
            Assert.Equal("critical", firing.GetProperty("severity").GetString());
            Assert.Equal("chat", firing.GetProperty("labels").GetProperty("service").GetString());
            Assert.Equal(2.0, firing.GetProperty("value").GetDouble());
            Assert.Equal(time.Start, firing.GetProperty("starts_at").GetDateTimeOffset());
            Assert.Equal(time.Start.AddSeconds(35), firing.GetProperty("at").GetDateTimeOffset());

            var history = await store.ReadAlertEventsAsync(10, CancellationToken.None);
            Assert.Equal(["resolved", "firing"], history.Select(e => e.Status));
            Assert.All(history, e => Assert.Equal(("lifecycle", "chat"), (e.Alert, e.Group)));
        }
        finally
        {
            await notifier.DisposeAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_webhook_that_never_answers_in_time_is_given_up_after_its_retries()
    {
        var attempts = 0;
        await using var hanging = await TestUpstream.StartAsync("hanging", async (c, _) =>
        {
            Interlocked.Increment(ref attempts);
            await Task.Delay(TimeSpan.FromSeconds(10), c.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        var instrument = $"aigis.test.hang.{Guid.NewGuid():N}";
        using var meter = new Meter("Aigis.Tests.Alerts");
        var counter = meter.CreateCounter<long>(instrument);
        var rule = Rule($"rate({instrument}[1m]) > 0", TimeSpan.Zero, ["hanging"]);
        using var measurements = new AlertMeasurements([rule], TimeProvider.System, _ => true);
        var webhook = Webhook("hanging", hanging.Url) with { Timeout = TimeSpan.FromSeconds(1), Retries = 2 };
        await using var notifier = new AlertNotifier([webhook], null, null, TimeProvider.System, NullLogger.Instance);
        await notifier.StartAsync(CancellationToken.None);
        await using var evaluator = new AlertEvaluator(new AlertsConfig(), measurements, notifier, meter, TimeProvider.System, NullLogger.Instance);

        counter.Add(5, new KeyValuePair<string, object?>("service", "chat"));
        await evaluator.EvaluateAsync(CancellationToken.None);
        await notifier.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, attempts);
    }

    internal static AlertRule Rule(string expression, TimeSpan @for, string[] notify)
    {
        Assert.True(Core.Alerts.AlertExpressionParser.TryParse(expression, out var parsed, out var error), error);
        return new AlertRule { Name = "lifecycle", Expression = parsed!, By = "service", For = @for, Severity = AlertSeverity.Critical, Notify = notify };
    }

    private static WebhookConfig Webhook(string name, Uri url) =>
        new() { Name = name, Url = new Uri(url, "/hook"), Timeout = TimeSpan.FromSeconds(5), Retries = 3, Backoff = TimeSpan.FromMilliseconds(20) };

    private static string[] Delivered(TestUpstream receiver) =>
        receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("status").GetString()!).ToArray();
}
