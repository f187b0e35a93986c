using System.Net.Http.Json;
using System.Threading.Channels;
using Aigis.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Aigis.Alerts;

/// <summary>
/// Delivers alert events in the background, in the order they happened: into the history, to the log, to each
/// webhook the rule names (POSTed as JSON, each attempt bounded by the webhook's timeout, failures retried with
/// doubling backoff), and, for a firing rule with a remediation, to the control plane. The evaluator never waits
/// for any of it.
/// </summary>
internal sealed partial class AlertNotifier : Hosting.ControlLoop
{
    private readonly Dictionary<string, WebhookConfig> _webhooks;
    private readonly IAlertStore? _store;
    private readonly IAlertRemediator? _remediator;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private CancellationToken _stopping;

    public AlertNotifier(IReadOnlyList<WebhookConfig> webhooks, IAlertStore? store, IAlertRemediator? remediator, TimeProvider time, ILogger logger)
    {
        _webhooks = webhooks.ToDictionary(w => w.Name, StringComparer.Ordinal);
        _store = store;
        _remediator = remediator;
        _time = time;
        _logger = logger;

        // Timeouts are per attempt, per webhook (below); the client's own would cut retries short.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Publish(AlertEvent alert, AlertRule rule) => _queue.Writer.TryWrite(new Work(alert, rule, null));

    /// <summary>Completes when every event published before the call has been delivered (or given up on).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(new Work(null, null, done)) ? done.Task : Task.CompletedTask;
    }

    public override void Dispose()
    {
        base.Dispose();
        _http.Dispose();
    }

    /// <summary>Closes the queue first: the loop then delivers (or, once stopping, skips) what is left and ends.</summary>
    protected override ValueTask BeforeStopAsync()
    {
        _queue.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        // Not the stopping token: the loop drains the queue until it is closed (deliveries skip once stopping).
        await foreach (var work in _queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (work.Alert is { } alert)
            {
                await DeliverAsync(alert, work.Rule!);
            }

            work.Done?.TrySetResult();
        }
    }

    private async Task DeliverAsync(AlertEvent alert, AlertRule rule)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        if (_store is not null)
        {
            try
            {
                await _store.AppendAlertEventAsync(alert, _stopping);
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                Log.HistoryFailed(_logger, alert.Alert, e.Message);
            }
        }

        if (rule.Notify.Contains(AlertRule.LogTarget))
        {
            if (alert.Status == AlertEvent.Firing)
            {
                Log.Firing(_logger, alert.Alert, AlertNotification.SeverityName(alert.Severity), alert.Group, alert.Value, alert.Expression);
            }
            else
            {
                Log.Resolved(_logger, alert.Alert, alert.Group, alert.Value);
            }
        }

        var sends = new List<Task>();
        foreach (var target in rule.Notify)
        {
            if (_webhooks.TryGetValue(target, out var webhook))
            {
                sends.Add(SendAsync(webhook, AlertNotification.From(alert)));
            }
        }

        await Task.WhenAll(sends);

        if (alert.Status == AlertEvent.Firing && rule.Remediation != AlertRemediation.None && _remediator is not null && alert.By == "service")
        {
            try
            {
                var done = await _remediator.RemediateAsync(rule.Remediation, alert.Group, _stopping);
                Log.Remediated(_logger, alert.Alert, alert.Group, done);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Shutting down.
            }
        }
    }

    private async Task SendAsync(WebhookConfig webhook, AlertNotification body)
    {
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            using (var timeout = new CancellationTokenSource(webhook.Timeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping))
            {
                try
                {
                    using var response = await _http.PostAsJsonAsync(webhook.Url, body, AlertJsonContext.Default.AlertNotification, linked.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }

                    failure = $"status {(int)response.StatusCode}";
                }
                catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (OperationCanceledException)
                {
                    failure = $"no answer within {Core.Configuration.DurationParser.Format(webhook.Timeout)}";
                }
                catch (HttpRequestException e)
                {
                    failure = e.Message;
                }
            }

            if (attempt >= webhook.Retries)
            {
                Log.WebhookGaveUp(_logger, webhook.Name, body.Alert, body.Status, attempt + 1, failure);
                return;
            }

            var delay = webhook.Backoff * Math.Pow(2, attempt);
            Log.WebhookRetry(_logger, webhook.Name, body.Alert, body.Status, failure, delay);
            try
            {
                await Task.Delay(delay, _time, _stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private readonly record struct Work(AlertEvent? Alert, AlertRule? Rule, TaskCompletionSource? Done);

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Warning, "Alert {Alert} firing ({Severity}) for '{Group}': value {Value} for {Expression}")]
        public static partial void Firing(ILogger logger, string alert, string severity, string group, double? value, string expression);

        [LoggerMessage(301, LogLevel.Information, "Alert {Alert} resolved for '{Group}' (value {Value})")]
        public static partial void Resolved(ILogger logger, string alert, string group, double? value);

        [LoggerMessage(302, LogLevel.Warning, "Webhook {Webhook} failed for alert {Alert} ({Status}): {Failure}; retrying in {Delay}")]
        public static partial void WebhookRetry(ILogger logger, string webhook, string alert, string status, string failure, TimeSpan delay);

        [LoggerMessage(303, LogLevel.Error, "Webhook {Webhook} gave up on alert {Alert} ({Status}) after {Attempts} attempts: {Failure}")]
        public static partial void WebhookGaveUp(ILogger logger, string webhook, string alert, string status, int attempts, string failure);

        [LoggerMessage(304, LogLevel.Error, "Alert {Alert} could not be written to the history: {Detail}")]
        public static partial void HistoryFailed(ILogger logger, string alert, string detail);

        [LoggerMessage(305, LogLevel.Warning, "Alert {Alert} for service {Service}: remediation: {Done}")]
        public static partial void Remediated(ILogger logger, string alert, string service, string done);
    }
}
